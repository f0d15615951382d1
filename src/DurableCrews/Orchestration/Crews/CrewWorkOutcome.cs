using DurableCrews.Runs;

namespace DurableCrews.Orchestration.Crews;

/// <summary>How a crew's tasks ended.</summary>
/// <param name="Status">Completed or Failed.</param>
/// <param name="Finished">The tasks that finished.</param>
/// <param name="Error">Why it failed.</param>
public sealed record CrewWorkOutcome(CrewRunStatus Status, IReadOnlyList<int>? Finished, string? Error);
