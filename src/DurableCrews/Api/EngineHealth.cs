namespace DurableCrews.Api;

/// <summary>What <c>GET /api/health</c> found.</summary>
/// <param name="Status"><c>Healthy</c> or <c>Unhealthy</c>.</param>
/// <param name="StorageMs">How long the storage check took, in milliseconds (null when storage did not answer).</param>
/// <param name="Probe">The probe's figures, when one was asked for and finished.</param>
/// <param name="Reason">What is wrong, when unhealthy.</param>
public sealed record EngineHealth(string Status, double? StorageMs, EngineProbeResult? Probe = null, string? Reason = null)
{
    /// <summary>Whether everything checked answered.</summary>
    public bool IsHealthy => Status == "Healthy";

    /// <summary>An unhealthy answer with its reason.</summary>
    public static EngineHealth Unhealthy(string reason, double? storageMs = null) => new("Unhealthy", storageMs, Reason: reason);
}
