namespace DurableCrews.Orchestration.Crews;

/// <summary>Asks <see cref="PrepareTaskActivity"/> whether a task with a <c>condition</c> or <c>for_each</c> runs, and how many times.</summary>
/// <param name="RunId">The run.</param>
/// <param name="TaskIndex">The task.</param>
/// <param name="RunETag">The ETag of the run's stored request, when the plan gave it.</param>
public sealed record PrepareTaskRequest(string RunId, int TaskIndex, string? RunETag = null);
