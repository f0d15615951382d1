namespace DurableCrews.Api;

/// <summary>A finished health probe: how many bare activities ran, and how long the probe took.</summary>
/// <param name="Activities">The activities the probe ran, one after another.</param>
/// <param name="ElapsedMs">From scheduling the probe to reading its completion, in milliseconds (includes how often the client looks).</param>
/// <param name="EngineMs">From the probe's creation to its completion as the engine recorded them, in milliseconds.</param>
public sealed record EngineProbeResult(int Activities, double ElapsedMs, double EngineMs);
