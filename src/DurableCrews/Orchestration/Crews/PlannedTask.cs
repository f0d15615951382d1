using System.Text.Json.Serialization;

namespace DurableCrews.Orchestration.Crews;

/// <summary>One task as the orchestrator schedules it.</summary>
/// <param name="Index">The task's position, from 0.</param>
/// <param name="Name">The task's name.</param>
/// <param name="Agent">The role of the agent that runs it (a hierarchical crew's manager).</param>
/// <param name="Context">The indexes of the tasks whose outputs it is given; null for all earlier tasks.</param>
/// <param name="Async">Whether it runs alongside the tasks that follow it.</param>
/// <param name="MaxRetryLimit">How many times it is retried after a failure.</param>
/// <param name="MaxExecutionTime">The agent's limit on one try of the task, in seconds; null for none.</param>
/// <param name="Inline">
/// Whether the task's work runs inline in the run's orchestration instead of as the sub-orchestration
/// <c>{runId}/t{n}</c>: true when it waits for no person (whose event goes to its instance) and has no time limit of its
/// own (which ends its instance). Its delegations are sub-orchestrations of the run's, or inline too.
/// Plans recorded by earlier versions have it false and replay as they ran.
/// </param>
/// <param name="NoEarlierOutput">
/// Whether the kickoff knows that no output of the task was stored before the run started (it is not a replay's reused
/// task), so that its first try need not look for one before its work exists.
/// </param>
/// <param name="Prepared">
/// Whether the task has a <c>condition</c> or a <c>for_each</c>, decided by <see cref="PrepareTaskActivity"/> before it runs.
/// Left out of the recorded plan when false, so a crew without them records the history it did before.
/// </param>
/// <param name="MaxParallel">For a <c>for_each</c> task, how many of its items run at once; 0 for other tasks.</param>
/// <param name="Reads">The indexes of the earlier tasks its <c>condition</c> and <c>for_each</c> read, which must finish before it is decided.</param>
public sealed record PlannedTask(
    int Index, string Name, string Agent, IReadOnlyList<int>? Context, bool Async, int MaxRetryLimit, int? MaxExecutionTime = null, bool Inline = false, bool NoEarlierOutput = false,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Prepared = false,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int MaxParallel = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<int>? Reads = null);
