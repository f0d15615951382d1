namespace DurableCrews.Outbound;

/// <summary>
/// Where the project may send requests on a user's behalf (webhooks now, tools later), bound from
/// <c>DurableCrews:Outbound</c>. Hosts listed here may be reached over plain http and at loopback, private,
/// link-local or unique-local addresses, which are refused for every other host.
/// </summary>
public sealed record OutboundOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "DurableCrews:Outbound";

    /// <summary>
    /// Hosts allowed for every kind of outbound call, separated by commas: a name (<c>hooks.example.com</c>), a
    /// wildcard for its subdomains (<c>*.example.com</c>) or an address (<c>10.0.0.5</c>, <c>[fd00::5]</c>).
    /// </summary>
    public string? AllowedHosts { get; init; }
}
