using DurableCrews.Runs;

namespace DurableCrews.Orchestration.Crews;

/// <summary>The orchestrator's output: how the run ended and where its result is.</summary>
public sealed record CrewRunSummary(string RunId, string Crew, CrewRunStatus Status, string ResultBlob, int TasksCompleted, TokenUsage TokenUsage, string? Error = null);
