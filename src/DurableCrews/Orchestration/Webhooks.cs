using DurableCrews.Notifications;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace DurableCrews.Orchestration;

/// <summary>Sends a webhook from an orchestration: an activity (never sent twice on replay), retried with backoff; a receiver that stays down is logged, and the run goes on.</summary>
internal static class Webhooks
{
    // A destination the policy refuses stays refused: it is not worth a retry.
    static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(4, TimeSpan.FromSeconds(2), backoffCoefficient: 2)
    {
        HandleFailure = failure => !failure.IsCausedBy<Outbound.DestinationRefusedException>(),
    });

    public static async Task SendAsync(TaskOrchestrationContext context, WebhookRequest request)
    {
        try
        {
            await context.CallActivityAsync<int>(nameof(WebhookActivity), request, Retry);
        }
        catch (TaskFailedException ex)
        {
            context.CreateReplaySafeLogger(nameof(Webhooks)).LogWarning(
                "Webhook {Event} delivery {DeliveryId} failed after its retries: {Reason}", request.Event, request.DeliveryId, ex.FailureDetails.ErrorMessage);
        }
    }
}
