namespace DurableCrews.Orchestration;

/// <summary>The orchestrator's input: just the run id; the request itself is in <c>crew-runs/{runId}/run.json</c>.</summary>
public sealed record CrewRunInput(string RunId);
