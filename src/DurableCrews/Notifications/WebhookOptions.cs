using DurableCrews.Configuration;

namespace DurableCrews.Notifications;

/// <summary>How webhooks are signed and sent, bound from <c>DurableCrews:Webhooks</c>.</summary>
public sealed record WebhookOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "DurableCrews:Webhooks";

    /// <summary>The HMAC-SHA256 key for the <c>X-DurableCrews-Signature</c> header; no signature when empty. Never logged.</summary>
    public string? Secret { get; init; }

    /// <summary>
    /// Hosts webhooks may reach beyond the public internet over https, separated by commas (names, <c>*.suffix</c>
    /// wildcards or addresses): listed hosts may use plain http and internal addresses. See <see cref="Outbound.DestinationPolicy"/>.
    /// </summary>
    public string? AllowedHosts { get; init; }

    /// <summary>How long one delivery attempt may take, in seconds.</summary>
    public int TimeoutSeconds { get; init; } = 10;

    /// <summary>The rules these settings must keep, checked when the host starts (by <see cref="OptionsValidator{TOptions}"/>).</summary>
    public static void Check(WebhookOptions options, OptionsProblems problems)
    {
        problems.AtLeast(nameof(TimeoutSeconds), options.TimeoutSeconds, 1);
    }
}
