using DurableCrews.Api;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DurableCrews.Functions.Queue;

/// <summary>
/// Starts runs from <c>crew-kickoffs</c> messages through the library's <see cref="KickoffMessageHandler"/>, as HTTP
/// kickoffs do. A message that can never succeed goes to <c>crew-kickoffs-poison</c> with its reason, logged once, and is
/// not retried; a passing failure throws, so the host retries it, and on its last try (host.json's maxDequeueCount, the
/// same as <see cref="QueueOptions.MaxDequeueCount"/>) it is poisoned here with the failure as its reason, so the poison
/// queue holds one format only and the host never moves a raw message there.
/// </summary>
public sealed class KickoffQueueFunctions(RunClientServices services, CrewQueues queues, IOptions<QueueOptions> options, ILogger<KickoffQueueFunctions> logger)
{
    /// <summary>One kickoff message.</summary>
    [Function("KickoffFromQueue")]
    public async Task KickoffFromQueue(
        [QueueTrigger(QueueNames.Kickoffs, Connection = "AzureWebJobsStorage")] string message,
        long dequeueCount,
        [DurableClient] DurableTaskClient client,
        FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        KickoffOutcome outcome;
        try
        {
            outcome = await services.Kickoffs(client).HandleAsync(message, context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && dequeueCount >= options.Value.MaxDequeueCount)
        {
            outcome = new KickoffOutcome(KickoffOutcomeKind.Poison, Reason: $"{ex.Message} (the last of {dequeueCount} tries)");
        }

        switch (outcome.Kind)
        {
            case KickoffOutcomeKind.Poison:
                logger.LogError("Kickoff message moved to {Poison}: {Reason}", QueueNames.KickoffsPoison, outcome.Reason);
                await queues.SendToPoisonAsync(message, outcome.Reason!, context.CancellationToken).ConfigureAwait(false);
                break;
            case KickoffOutcomeKind.Duplicate:
                logger.LogInformation("Kickoff message is a redelivery of run {RunId}; nothing new started.", outcome.RunId);
                break;
            default:
                logger.LogInformation("Kickoff message started run {RunId}.", outcome.RunId);
                break;
        }
    }
}
