using System.Collections.Concurrent;
using DurableTask.Core;
using DurableTask.Core.Query;
using Microsoft.Extensions.Logging;

namespace DurableCrews.Cli.Engine;

/// <summary>
/// A pass-through over the orchestration service behind the gRPC sidecar. The in-memory service runs at most
/// one work item per CPU at a time, which would serialize a crew's I/O-bound model calls (async tasks,
/// parallel delegations) on a small machine; this lets the engine run as many as configured. It also hands the
/// service only events it can store (<see cref="StorableEvents"/>), which the Azure Storage service needs. On a service
/// whose messages come back after a visibility timeout (Azure Storage), it keeps renewing the lock of each activity
/// while it runs, which the sidecar does not do: a model call longer than the timeout is not delivered twice, and the
/// timeout, which is also how long a crashed process's work waits, can be short. A finished activity is handed back
/// through a storage outage (<see cref="ActivityHandBack"/>). It counts the work in flight, so that a stopping server can
/// let it finish.
/// </summary>
internal sealed class TunedOrchestrationService :
    IOrchestrationService, IOrchestrationServiceClient, IOrchestrationServiceQueryClient, IOrchestrationServicePurgeClient
{
    readonly IOrchestrationService inner;
    readonly IOrchestrationServiceClient client;
    readonly int maxActivities;
    readonly int maxOrchestrations;
    readonly TimeSpan? renewEvery;
    readonly ConcurrentDictionary<TaskActivityWorkItem, LockRenewal> renewals = new();
    readonly CancellationTokenSource stopping = new();
    readonly ActivityHandBack handBack;
    int activitiesInFlight;
    int orchestrationsInFlight;
    int renewalCount;
    volatile bool paused;

    /// <param name="inner">The orchestration service.</param>
    /// <param name="maxActivities">The most activities at once.</param>
    /// <param name="maxOrchestrations">The most orchestration work items at once.</param>
    /// <param name="renewActivityLocksEvery">How often to renew a running activity's lock; null for a service that needs none (in memory).</param>
    /// <param name="logger">Where storage outages met while handing activities back are reported.</param>
    public TunedOrchestrationService(IOrchestrationService inner, int maxActivities, int maxOrchestrations, TimeSpan? renewActivityLocksEvery = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        this.inner = inner;
        client = inner as IOrchestrationServiceClient
            ?? throw new ArgumentException("The orchestration service must also be its own client.", nameof(inner));
        this.maxActivities = maxActivities;
        this.maxOrchestrations = maxOrchestrations;
        renewEvery = renewActivityLocksEvery;
        handBack = new ActivityHandBack(inner, logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, stopping.Token);
    }

    /// <summary>Activities running now (model turns, tool calls, stores): the work a stopping server lets finish.</summary>
    public int ActivitiesInFlight => Volatile.Read(ref activitiesInFlight);

    int activitiesCompleted;
    int orchestrationStepsCompleted;

    /// <summary>Activities this process completed (their results handed back).</summary>
    public int ActivitiesCompleted => Volatile.Read(ref activitiesCompleted);

    /// <summary>Orchestration episodes this process completed.</summary>
    public int OrchestrationStepsCompleted => Volatile.Read(ref orchestrationStepsCompleted);

    /// <summary>Orchestration work items running now.</summary>
    public int OrchestrationsInFlight => Volatile.Read(ref orchestrationsInFlight);

    /// <summary>Hands out no more work; what is in flight goes on. For a stopping process, so that its work can settle.</summary>
    public void Pause() => paused = true;

    /// <summary>How many times a running activity's lock has been renewed.</summary>
    public int LockRenewals => Volatile.Read(ref renewalCount);

    public int MaxConcurrentTaskActivityWorkItems => maxActivities;

    public int MaxConcurrentTaskOrchestrationWorkItems => maxOrchestrations;

    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;

    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;

    // The Azure Storage service throws (from an async void stop handler, taking the process down) when it is stopped
    // before its start has run: a host stopped right after it started. Stop waits for the start, or skips a service
    // that never started.
    readonly object startLock = new();
    Task? starting;

    public Task StartAsync()
    {
        lock (startLock)
        {
            return starting ??= inner.StartAsync();
        }
    }

    public Task StopAsync() => StopAsync(isForced: false);

    public async Task StopAsync(bool isForced)
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        Task? started;
        lock (startLock)
        {
            started = starting;
            starting = null;
        }

        if (started is null)
        {
            return;
        }

        try
        {
            await started.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A start that failed left nothing running to stop.
            return;
        }

        await inner.StopAsync(isForced).ConfigureAwait(false);
    }

    public Task CreateAsync() => inner.CreateAsync();

    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);

    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();

    public Task DeleteAsync() => inner.DeleteAsync();

    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
        inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);

    public async Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        if (paused)
        {
            await IdleAsync(receiveTimeout, cancellationToken).ConfigureAwait(false);
            return null!;
        }

        var item = await inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken).ConfigureAwait(false);
        if (item is not null)
        {
            Interlocked.Increment(ref orchestrationsInFlight);
        }

        return item!;
    }

    /// <summary>A paused service's answer to a request for work: none, after the wait a real fetch would have taken.</summary>
    static async Task IdleAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(receiveTimeout < TimeSpan.FromSeconds(1) ? receiveTimeout : TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public async Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState)
    {
        try
        {
            await inner.CompleteTaskOrchestrationWorkItemAsync(
                workItem,
                StorableEvents.Normalize(newOrchestrationRuntimeState),
                StorableEvents.Normalize(outboundMessages),
                StorableEvents.Normalize(orchestratorMessages),
                StorableEvents.Normalize(timerMessages),
                continuedAsNewMessage is null ? continuedAsNewMessage! : StorableEvents.Normalize(continuedAsNewMessage),
                orchestrationState).ConfigureAwait(false);
            Interlocked.Increment(ref orchestrationStepsCompleted);
        }
        finally
        {
            Interlocked.Decrement(ref orchestrationsInFlight);
        }
    }

    public async Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem)
    {
        try
        {
            await inner.AbandonTaskOrchestrationWorkItemAsync(workItem).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref orchestrationsInFlight);
        }
    }

    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    public async Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        if (paused)
        {
            await IdleAsync(receiveTimeout, cancellationToken).ConfigureAwait(false);
            return null!;
        }

        var item = await inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken).ConfigureAwait(false);
        if (item is not null)
        {
            Interlocked.Increment(ref activitiesInFlight);
            if (renewEvery is { } every)
            {
                renewals[item] = LockRenewal.Start(every, () => RenewAsync(item));
            }
        }

        return item!;
    }

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);

    public async Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage)
    {
        await EndActivityAsync(workItem).ConfigureAwait(false);
        await handBack.CompleteAsync(workItem, StorableEvents.Normalize(responseMessage)).ConfigureAwait(false);
        Interlocked.Increment(ref activitiesCompleted);
    }

    public async Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem)
    {
        await EndActivityAsync(workItem).ConfigureAwait(false);
        await handBack.AbandonAsync(workItem).ConfigureAwait(false);
    }

    async Task RenewAsync(TaskActivityWorkItem workItem)
    {
        await inner.RenewTaskActivityWorkItemLockAsync(workItem).ConfigureAwait(false);
        Interlocked.Increment(ref renewalCount);
    }

    /// <summary>Stops renewing the activity's lock, waiting out a renewal under way so that it cannot race the completion.</summary>
    async Task EndActivityAsync(TaskActivityWorkItem workItem)
    {
        Interlocked.Decrement(ref activitiesInFlight);
        if (renewals.TryRemove(workItem, out var renewal))
        {
            await renewal.StopAsync().ConfigureAwait(false);
        }
    }

    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage) => client.CreateTaskOrchestrationAsync(StorableEvents.Normalize(creationMessage));

    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage, OrchestrationStatus[] dedupeStatuses) =>
        client.CreateTaskOrchestrationAsync(StorableEvents.Normalize(creationMessage), dedupeStatuses);

    public Task SendTaskOrchestrationMessageAsync(TaskMessage message) => client.SendTaskOrchestrationMessageAsync(StorableEvents.Normalize(message));

    public Task SendTaskOrchestrationMessageBatchAsync(params TaskMessage[] messages) =>
        client.SendTaskOrchestrationMessageBatchAsync([.. StorableEvents.Normalize(messages)]);

    public Task<OrchestrationState> WaitForOrchestrationAsync(string instanceId, string executionId, TimeSpan timeout, CancellationToken cancellationToken) =>
        client.WaitForOrchestrationAsync(instanceId, executionId, timeout, cancellationToken);

    public Task ForceTerminateTaskOrchestrationAsync(string instanceId, string reason) => client.ForceTerminateTaskOrchestrationAsync(instanceId, reason);

    public Task<IList<OrchestrationState>> GetOrchestrationStateAsync(string instanceId, bool allExecutions) =>
        client.GetOrchestrationStateAsync(instanceId, allExecutions);

    public Task<OrchestrationState> GetOrchestrationStateAsync(string instanceId, string executionId) =>
        client.GetOrchestrationStateAsync(instanceId, executionId);

    public Task<string> GetOrchestrationHistoryAsync(string instanceId, string executionId) => client.GetOrchestrationHistoryAsync(instanceId, executionId);

    public Task PurgeOrchestrationHistoryAsync(DateTime thresholdDateTimeUtc, OrchestrationStateTimeRangeFilterType timeRangeFilterType) =>
        client.PurgeOrchestrationHistoryAsync(thresholdDateTimeUtc, timeRangeFilterType);

    public Task<OrchestrationQueryResult> GetOrchestrationWithQueryAsync(OrchestrationQuery query, CancellationToken cancellationToken) =>
        inner is IOrchestrationServiceQueryClient queries
            ? queries.GetOrchestrationWithQueryAsync(query, cancellationToken)
            : throw new NotSupportedException("This orchestration service cannot list instances.");

    public Task<PurgeResult> PurgeInstanceStateAsync(string instanceId) =>
        inner is IOrchestrationServicePurgeClient purge
            ? purge.PurgeInstanceStateAsync(instanceId)
            : throw new NotSupportedException("This orchestration service cannot purge instances.");

    public Task<PurgeResult> PurgeInstanceStateAsync(PurgeInstanceFilter purgeInstanceFilter) =>
        inner is IOrchestrationServicePurgeClient purge
            ? purge.PurgeInstanceStateAsync(purgeInstanceFilter)
            : throw new NotSupportedException("This orchestration service cannot purge instances.");
}
