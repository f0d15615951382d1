namespace DurableCrews.Notifications;

/// <summary>
/// One webhook delivery, as the orchestrator asks for it: small ids only; the activity reads what to send
/// from the run's blobs. <see cref="DeliveryId"/> is stable across retries so receivers can drop duplicates.
/// </summary>
public sealed record WebhookRequest(string RunId, WebhookEvent Event, Uri Url, string DeliveryId, int? TaskIndex = null, string? RunStatus = null, string? Error = null, string? WorkKey = null, int? Turn = null);
