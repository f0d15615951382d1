using DurableCrews.Cli.Engine;
using DurableCrews.Tests.Support;
using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.History;

namespace DurableCrews.Tests.Durability;

/// <summary>
/// The engine's orchestration service on Azurite, driven by hand: an activity finishes while storage is stopped for
/// longer than its visibility timeout, and its message is dequeued again as soon as storage is back.
/// </summary>
public sealed class ActivityHandBackTests : IDisposable
{
    static readonly TimeSpan Visibility = TimeSpan.FromSeconds(5);
    readonly TempFolder data = new();

    public void Dispose() => data.Dispose();

    [Fact]
    public async Task A_completion_made_during_an_outage_reaches_the_orchestration_and_the_message_is_not_refused_for_ever()
    {
        await using var azurite = await Azurite.StartOnDiskAsync(data.Path);
        var service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(azurite.ConnectionString),
            TaskHubName = "handback",
            WorkerId = "handback-worker",
            PartitionCount = 1,
            WorkItemQueueVisibilityTimeout = Visibility,
            ControlQueueVisibilityTimeout = Visibility,
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(200),
        });
        await service.CreateIfNotExistsAsync();
        var tuned = new TunedOrchestrationService(service, maxActivities: 10, maxOrchestrations: 10);
        await tuned.StartAsync();
        try
        {
            var instance = new OrchestrationInstance { InstanceId = "handback-run", ExecutionId = "e1" };
            var activity = await ScheduleOneActivityAsync(tuned, instance);

            await azurite.StopAsync();
            var completing = tuned.CompleteTaskActivityWorkItemAsync(activity, new TaskMessage
            {
                OrchestrationInstance = instance,
                Event = new TaskCompletedEvent(-1, 0, "\"the answer\""),
            });
            await Task.Delay(Visibility + TimeSpan.FromSeconds(2));
            await azurite.RestartAsync();

            // Storage is back and the message visible again: this fetch dequeues it (a new pop receipt) while the
            // completion still holds its session, so the service refuses it.
            using (var once = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
            {
                Assert.Null(await tuned.LockNextTaskActivityWorkItem(TimeSpan.FromSeconds(3), once.Token));
            }

            await completing.WaitAsync(TimeSpan.FromSeconds(60));
            var next = await LockAsync(ct => tuned.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.FromSeconds(5), ct));
            Assert.Contains(next.NewMessages, m => m.Event is TaskCompletedEvent { TaskScheduledId: 0, Result: "\"the answer\"" });

            // The message comes back once more and is taken, not refused: its next delivery answers from what was stored.
            var again = await LockAsync(ct => tuned.LockNextTaskActivityWorkItem(TimeSpan.FromSeconds(5), ct));
            Assert.Equal(activity.Id, again.Id);
        }
        finally
        {
            await tuned.StopAsync(isForced: true);
        }
    }

    /// <summary>Starts an orchestration whose first step schedules activity 0, and locks that activity's work item.</summary>
    static async Task<TaskActivityWorkItem> ScheduleOneActivityAsync(TunedOrchestrationService service, OrchestrationInstance instance)
    {
        await service.CreateTaskOrchestrationAsync(new TaskMessage
        {
            OrchestrationInstance = instance,
            Event = new ExecutionStartedEvent(-1, "null") { Name = "HandBack", Version = string.Empty, OrchestrationInstance = instance },
        });
        var started = await LockAsync(ct => service.LockNextTaskOrchestrationWorkItemAsync(TimeSpan.FromSeconds(5), ct));
        var state = started.OrchestrationRuntimeState;
        state.AddEvent(new OrchestratorStartedEvent(-1));
        foreach (var message in started.NewMessages)
        {
            state.AddEvent(message.Event);
        }

        var scheduled = new TaskScheduledEvent(0) { Name = "Answer", Version = string.Empty, Input = "null" };
        state.AddEvent(scheduled);
        state.AddEvent(new OrchestratorCompletedEvent(-1));
        await service.CompleteTaskOrchestrationWorkItemAsync(
            started,
            state,
            [new TaskMessage { OrchestrationInstance = instance, Event = scheduled }],
            [],
            [],
            null!,
            new OrchestrationState
            {
                OrchestrationInstance = instance,
                Name = "HandBack",
                OrchestrationStatus = OrchestrationStatus.Running,
                CreatedTime = DateTime.UtcNow,
                LastUpdatedTime = DateTime.UtcNow,
            });
        await service.ReleaseTaskOrchestrationWorkItemAsync(started);
        return await LockAsync(ct => service.LockNextTaskActivityWorkItem(TimeSpan.FromSeconds(5), ct));
    }

    /// <summary>Asks for a work item until one comes, for at most 30 s.</summary>
    static async Task<T> LockAsync<T>(Func<CancellationToken, Task<T>> next)
        where T : class
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            limit.Token.ThrowIfCancellationRequested();
            if (await next(limit.Token) is { } item)
            {
                return item;
            }
        }
    }
}
