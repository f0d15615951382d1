using System.Collections;
using System.Reflection;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.Extensions.Logging;

namespace DurableCrews.Cli.Engine;

/// <summary>
/// Hands a finished activity's result (or an abandoned activity) back to the orchestration service through a storage
/// outage. The result of a model or tool call must not be lost because the queue could not be written for a while: a
/// failed completion is tried again, with backoff, until storage answers (within <see cref="Patience"/>, and while the
/// engine runs), and only then given up to the redelivery the service falls back on.
/// </summary>
/// <remarks>
/// The Azure Storage service (DurableTask.AzureStorage 2.11) forgets an activity's session only when a completion or an
/// abandon succeeds. When both fail — storage down, or the message dequeued again after its visibility lapsed during
/// the outage, so that its pop receipt no longer matches — the session stays, and every later delivery of that message
/// is refused as "being processed multiple times concurrently": the run never ends. Here, once the message is known to
/// be out of this process's hands, its session is released, so that the next delivery runs the activity again; the
/// activities answer a redelivery from what they stored, so no finished model or tool call is made again.
/// </remarks>
internal sealed class ActivityHandBack
{
    static readonly FieldInfo? SessionsField =
        typeof(AzureStorageOrchestrationService).GetField("activeActivitySessions", BindingFlags.Instance | BindingFlags.NonPublic);

    readonly IOrchestrationService inner;
    readonly ILogger logger;
    readonly CancellationToken stopping;

    /// <param name="inner">The orchestration service.</param>
    /// <param name="logger">Where outages are reported.</param>
    /// <param name="stopping">Cancelled when the engine stops: a hand-back under way gives up and leaves the work to redelivery.</param>
    public ActivityHandBack(IOrchestrationService inner, ILogger logger, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(logger);
        this.inner = inner;
        this.logger = logger;
        this.stopping = stopping;
        if (inner is AzureStorageOrchestrationService && SessionsField?.GetValue(inner) is not IDictionary)
        {
            throw new InvalidOperationException(
                "This version of DurableTask.AzureStorage keeps its activity sessions differently; check ActivityHandBack against its source before upgrading.");
        }
    }

    /// <summary>How long a hand-back is tried before it is left to redelivery: longer than storage outages last.</summary>
    public static TimeSpan Patience { get; } = TimeSpan.FromMinutes(10);

    /// <summary>Completes the activity, trying again through a storage outage.</summary>
    public Task CompleteAsync(TaskActivityWorkItem workItem, TaskMessage response) =>
        HandBackAsync(workItem, "completion", () => inner.CompleteTaskActivityWorkItemAsync(workItem, response));

    /// <summary>Abandons the activity to redelivery, trying again through a storage outage.</summary>
    public Task AbandonAsync(TaskActivityWorkItem workItem) =>
        HandBackAsync(workItem, "abandon", () => inner.AbandonTaskActivityWorkItemAsync(workItem));

    async Task HandBackAsync(TaskActivityWorkItem workItem, string what, Func<Task> handBack)
    {
        var started = DateTime.UtcNow;
        var delay = TimeSpan.FromMilliseconds(250);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await handBack().ConfigureAwait(false);
                if (attempt > 1)
                {
                    logger.LogInformation("The {What} of activity message {Id} went through on attempt {Attempt}, {Seconds:0.0} s after the first", what, workItem.Id, attempt, (DateTime.UtcNow - started).TotalSeconds);
                }

                return;
            }
            catch (Exception ex) when (IsOutOfHand(ex))
            {
                // The message was dequeued again (its pop receipt changed) or is gone: a completion got as far as sending the
                // result, which comes before the delete; either way the message is no longer this process's to hand back.
                logger.LogWarning("The {What} of activity message {Id} found the message out of this process's hands ({Reason}); its next delivery answers from what was stored", what, workItem.Id, ex.Message);
                Release(workItem);
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException && !stopping.IsCancellationRequested && DateTime.UtcNow - started < Patience)
            {
                if (attempt == 1)
                {
                    logger.LogWarning("The {What} of activity message {Id} failed ({Reason}); trying again until storage answers", what, workItem.Id, ex.Message);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                logger.LogError(ex, "The {What} of activity message {Id} was given up after {Attempt} attempts; the message is delivered again when its visibility lapses", what, workItem.Id, attempt);
                Release(workItem);
                throw;
            }

            try
            {
                await Task.Delay(delay, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
        }
    }

    /// <summary>Whether storage said the message's pop receipt no longer holds (the service wraps the SDK's exception in its own, internal one).</summary>
    static bool IsOutOfHand(Exception ex) =>
        (ex as Azure.RequestFailedException ?? ex.InnerException as Azure.RequestFailedException) is { ErrorCode: "PopReceiptMismatch" } or { Status: 404 };

    /// <summary>Forgets the service's session of the work item, so that the message's next delivery is taken rather than refused.</summary>
    void Release(TaskActivityWorkItem workItem)
    {
        if (SessionsField?.GetValue(inner) is IDictionary sessions)
        {
            sessions.Remove(workItem.Id);
        }
    }
}
