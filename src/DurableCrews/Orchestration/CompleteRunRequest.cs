using System.Text.Json.Serialization;
using DurableCrews.Orchestration.Flows;
using DurableCrews.Runs;

namespace DurableCrews.Orchestration;

/// <summary>The input of <see cref="CompleteRunActivity"/>: how the run ended and which tasks finished.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Status">How it ended.</param>
/// <param name="StartedAt">When its orchestration started.</param>
/// <param name="FinishedTasks">The tasks that finished; null for every task whose output is stored.</param>
/// <param name="Error">Why it failed or timed out.</param>
/// <param name="RunETag">The ETag of the run's stored request, when the run's plan gave it.</param>
public sealed record CompleteRunRequest(string RunId, CrewRunStatus Status, DateTimeOffset StartedAt, IReadOnlyList<int>? FinishedTasks, string? Error = null, string? RunETag = null)
{
    /// <summary>
    /// For the crew run of a flow step that runs alone in its flow: once the run has completed, finish the step too (as
    /// <see cref="FinishFlowStepActivity"/> does) and return its end in <see cref="CrewRunSummary.StepEnd"/>. Left out
    /// when null, so a crew run's completion records what it did before.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public FlowStepOrder? FinishStep { get; init; }
}
