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
}
