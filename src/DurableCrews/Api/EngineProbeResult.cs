namespace DurableCrews.Api;

/// <summary>A finished health probe: how many bare activities ran, and how long the probe took from its start to its completion.</summary>
/// <param name="Activities">The activities the probe ran, one after another.</param>
/// <param name="ElapsedMs">From scheduling the probe to reading its completion, in milliseconds.</param>
public sealed record EngineProbeResult(int Activities, double ElapsedMs);
