namespace DurableCrews.Orchestration;

/// <summary>What the orchestrator needs to know of a crew to schedule it: names and order, no texts.</summary>
/// <param name="Crew">The crew's name.</param>
/// <param name="Tasks">The tasks in crew order.</param>
public sealed record CrewRunPlan(string Crew, IReadOnlyList<PlannedTask> Tasks);
