using DurableCrews.Runs;

namespace DurableCrews.Orchestration;

/// <summary>The input of <see cref="CompleteRunActivity"/>: how the run ended and which tasks finished.</summary>
public sealed record CompleteRunRequest(string RunId, CrewRunStatus Status, DateTimeOffset StartedAt, IReadOnlyList<int>? FinishedTasks, string? Error = null);
