namespace DurableCrews.Orchestration.Flows;

/// <summary>One step as the flow orchestrator schedules it.</summary>
/// <param name="Name">The step's name.</param>
/// <param name="Crew">Its crew's name.</param>
/// <param name="DependsOn">The steps that must finish first.</param>
public sealed record FlowPlannedStep(string Name, string Crew, IReadOnlyList<string> DependsOn);
