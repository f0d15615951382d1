namespace DurableCrews.Orchestration.Crews;

/// <summary>The orchestrator's input: the run id (the request itself is in <c>crew-runs/{runId}/run.json</c>) and, when the kickoff made it, the run's plan.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Plan">The plan, made at kickoff from the request it stored; null to have <see cref="StartRunActivity"/> make it.</param>
public sealed record CrewRunInput(string RunId, CrewRunPlan? Plan = null);
