namespace DurableCrews.Orchestration.Crews;

/// <summary>What <see cref="PrepareTaskActivity"/> decided for a task: skip it, run it once, or run it once per item.</summary>
/// <param name="Skipped">Why the task is skipped (its record is stored); null when it runs.</param>
/// <param name="Items">For a <c>for_each</c> task, how many items it runs over; 0 for a task that runs once.</param>
/// <param name="Error">Why the task cannot run (its expression failed, its list is too long); the task fails with it, untried.</param>
/// <param name="OutputBlob">The blob of the task's own record, when one was stored (skipped, or the list of its items).</param>
public sealed record TaskPreparation(string? Skipped = null, int Items = 0, string? Error = null, string? OutputBlob = null);
