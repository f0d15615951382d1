using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using DurableCrews.Api;
using Microsoft.Extensions.Logging;

namespace DurableCrews.Cli.Serve;

/// <summary>
/// <c>durablecrews serve</c>'s queue side: reads <c>crew-kickoffs</c> and hands each message to the library's
/// <see cref="KickoffMessageHandler"/>, as the Functions app's queue trigger does. A message that can never succeed goes
/// to the poison queue with its reason, logged once; one that fails for a passing reason is tried again, up to
/// <see cref="QueueOptions.MaxDequeueCount"/> times; a message is deleted only once it has been handled.
/// </summary>
public sealed class QueueListener : IAsyncDisposable
{
    readonly QueueClient queue;
    readonly Func<KickoffMessageHandler> handler;
    readonly CrewQueues queues;
    readonly int maxDequeueCount;
    readonly ILogger logger;
    readonly CancellationTokenSource stopping = new();
    readonly Task loop;

    QueueListener(QueueClient queue, Func<KickoffMessageHandler> handler, CrewQueues queues, int maxDequeueCount, ILogger logger, TimeSpan idlePoll)
    {
        this.queue = queue;
        this.handler = handler;
        this.queues = queues;
        this.maxDequeueCount = maxDequeueCount;
        this.logger = logger;
        loop = Task.Run(() => ListenAsync(idlePoll, stopping.Token));
    }

    /// <summary>Starts listening.</summary>
    public static async Task<QueueListener> StartAsync(CrewQueues queues, Func<KickoffMessageHandler> handler, QueueOptions options, ILogger logger, TimeSpan? idlePoll = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(options);
        var queue = queues.Queue(QueueNames.Kickoffs);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return new QueueListener(queue, handler, queues, options.MaxDequeueCount, logger, idlePoll ?? TimeSpan.FromSeconds(1));
    }

    /// <summary>Reads, handles and deletes messages until stopped.</summary>
    async Task ListenAsync(TimeSpan idlePoll, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                QueueMessage[] messages = await queue.ReceiveMessagesAsync(16, TimeSpan.FromMinutes(1), cancellationToken).ConfigureAwait(false);
                foreach (var message in messages)
                {
                    await HandleAsync(message, cancellationToken).ConfigureAwait(false);
                }

                if (messages.Length == 0)
                {
                    await Task.Delay(idlePoll, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Azure.RequestFailedException ex)
            {
                logger.LogWarning("Reading {Queue} failed ({Status}); trying again.", QueueNames.Kickoffs, ex.Status);
                await Task.Delay(idlePoll, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    async Task HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        string text = message.Body.ToString();
        try
        {
            var outcome = await handler().HandleAsync(text, cancellationToken).ConfigureAwait(false);
            if (outcome.Kind == KickoffOutcomeKind.Poison)
            {
                await PoisonAsync(text, outcome.Reason!, cancellationToken).ConfigureAwait(false);
            }
            else if (outcome.Kind == KickoffOutcomeKind.Duplicate)
            {
                logger.LogInformation("Kickoff message {MessageId} is a redelivery of run {RunId}; nothing new started.", message.MessageId, outcome.RunId);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException && message.DequeueCount < maxDequeueCount)
        {
            // A passing failure: leave the message to come back after its visibility timeout.
            logger.LogWarning("Kickoff message {MessageId} failed (try {Count} of {Max}): {Reason}", message.MessageId, message.DequeueCount, maxDequeueCount, ex.Message);
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await PoisonAsync(text, $"{ex.Message} (the last of {message.DequeueCount} tries)", cancellationToken).ConfigureAwait(false);
        }

        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
    }

    async Task PoisonAsync(string message, string reason, CancellationToken cancellationToken)
    {
        logger.LogError("Kickoff message moved to {Poison}: {Reason}", QueueNames.KickoffsPoison, reason);
        await queues.SendToPoisonAsync(message, reason, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        await loop.ConfigureAwait(false);
        stopping.Dispose();
    }
}
