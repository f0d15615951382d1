namespace DurableCrews.Notifications;

/// <summary>Where a run's webhooks go: after each agent step, after each task, and at the run's end.</summary>
public sealed record WebhookTargets
{
    /// <summary>Receives a POST after every agent step (a crew's <c>step_callback</c>).</summary>
    public Uri? Step { get; init; }

    /// <summary>Receives a POST after every task (a crew's <c>task_callback</c>).</summary>
    public Uri? Task { get; init; }

    /// <summary>Receives a POST when the run ends.</summary>
    public Uri? Run { get; init; }

    /// <summary>Whether any target is set.</summary>
    public bool Any => Step is not null || Task is not null || Run is not null;

    /// <summary>These targets, with any left unset here taken from <paramref name="fallback"/>.</summary>
    public WebhookTargets Over(WebhookTargets fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        return new WebhookTargets { Step = Step ?? fallback.Step, Task = Task ?? fallback.Task, Run = Run ?? fallback.Run };
    }

    /// <summary>Reads an absolute http or https URL.</summary>
    public static bool TryParseUrl(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? url)
    {
        url = Uri.TryCreate(text, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps) ? parsed : null;
        return url is not null;
    }
}
