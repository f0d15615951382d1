using DurableCrews.Notifications;

namespace DurableCrews.Api;

/// <summary>A request to run a crew.</summary>
public sealed record KickoffRequest
{
    /// <summary>The values of the crew's <c>{placeholders}</c>.</summary>
    public IReadOnlyDictionary<string, string> Inputs { get; init; } = new Dictionary<string, string>();

    /// <summary>The run id to use (for idempotent retries); null for a new one.</summary>
    public string? RunId { get; init; }

    /// <summary>Webhook URLs for this run; each one set here replaces the crew's own (<c>step_callback</c>, <c>task_callback</c>).</summary>
    public WebhookTargets? Webhooks { get; init; }
}
