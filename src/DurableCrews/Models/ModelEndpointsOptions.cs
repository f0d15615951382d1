namespace DurableCrews.Models;

/// <summary>The named model endpoints, bound from the <c>DurableCrews</c> section's <c>Models</c> (<c>DurableCrews__Models__{name}__…</c>).</summary>
public sealed record ModelEndpointsOptions
{
    /// <summary>The configuration section whose <c>Models</c> these options bind.</summary>
    public const string SectionName = "DurableCrews";

    /// <summary>The endpoints by name (case-insensitive).</summary>
    public Dictionary<string, ModelEndpoint> Models { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}
