namespace DurableCrews.Runs;

/// <summary>A turn's outcome as stored with the work, so that a redelivered turn answers without the model.</summary>
/// <param name="Turn">The turn's number, from 0.</param>
/// <param name="Outcome">What the orchestrator was told, as JSON.</param>
public sealed record AgentTurnRecord(int Turn, System.Text.Json.JsonElement Outcome);
