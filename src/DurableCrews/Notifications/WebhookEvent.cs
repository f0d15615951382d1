namespace DurableCrews.Notifications;

/// <summary>What a webhook reports.</summary>
public enum WebhookEvent
{
    /// <summary>An agent step (one model turn) finished.</summary>
    Step,

    /// <summary>A task finished.</summary>
    Task,

    /// <summary>The run ended.</summary>
    Run,
}
