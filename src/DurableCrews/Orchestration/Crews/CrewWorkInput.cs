namespace DurableCrews.Orchestration.Crews;

/// <summary>The input of <see cref="CrewWorkOrchestrator"/>.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Plan">Its plan.</param>
public sealed record CrewWorkInput(string RunId, CrewRunPlan Plan);
