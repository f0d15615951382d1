using System.Text.Json.Serialization;
using DurableCrews.Orchestration.Flows;
using DurableCrews.Runs;

namespace DurableCrews.Orchestration.Crews;

/// <summary>The orchestrator's output: how the run ended and where its result is.</summary>
public sealed record CrewRunSummary(string RunId, string Crew, CrewRunStatus Status, string ResultBlob, int TasksCompleted, TokenUsage TokenUsage, string? Error = null)
{
    /// <summary>The flow step's end, when the run's completion was asked to finish its step (<see cref="CompleteRunRequest.FinishStep"/>) and did; left out when null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public FlowStepEnd? StepEnd { get; init; }
}
