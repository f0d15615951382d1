using DurableCrews.Models;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration;

/// <summary>
/// The durable mechanics of running a crew's tasks in order: context resolution, async tasks fanned out
/// alongside later ones and fanned in before a task that needs them, per-task retries, and progress.
/// </summary>
internal sealed class TaskSequence
{
    readonly TaskOrchestrationContext context;
    readonly string runId;
    readonly CrewRunPlan plan;
    readonly List<int> finished = [];
    readonly Dictionary<int, Task<AgentTaskSummary>> inFlight = [];
    long tokens;

    public TaskSequence(TaskOrchestrationContext context, string runId, CrewRunPlan plan)
    {
        this.context = context;
        this.runId = runId;
        this.plan = plan;
    }

    /// <summary>The indexes of the tasks that finished, in the order they finished.</summary>
    public IReadOnlyList<int> Finished => finished;

    /// <summary>The task whose failure ended the sequence.</summary>
    public string? FailedTask { get; private set; }

    public async Task RunAsync()
    {
        ReportProgress();
        foreach (var task in plan.Tasks)
        {
            if (task.Async)
            {
                // An async task waits only for the tasks it names; without a list it gets what has finished.
                await FinishInFlightAsync((task.Context ?? []).Where(inFlight.ContainsKey).ToList());
            }
            else
            {
                // A task that is not async waits for every async task before it, as CrewAI does.
                await FinishInFlightAsync(inFlight.Keys.ToList());
            }

            var contextTasks = task.Context ?? Enumerable.Range(0, task.Index).Where(finished.Contains).ToList();
            inFlight[task.Index] = context.CallActivityAsync<AgentTaskSummary>(
                nameof(AgentTaskActivity), new AgentTaskRequest(runId, task.Index, contextTasks), RetryFor(task));
            ReportProgress();
            if (!task.Async)
            {
                await FinishInFlightAsync([task.Index]);
            }
        }

        await FinishInFlightAsync(inFlight.Keys.ToList());
    }

    async Task FinishInFlightAsync(IReadOnlyList<int> indexes)
    {
        foreach (int index in indexes.Order())
        {
            try
            {
                var summary = await inFlight[index];
                finished.Add(index);
                tokens += summary.TokenUsage.TotalTokens;
            }
            catch (TaskFailedException)
            {
                FailedTask = plan.Tasks[index].Name;
                throw;
            }
            finally
            {
                inFlight.Remove(index);
            }

            ReportProgress();
        }
    }

    void ReportProgress() => context.SetCustomStatus(new CrewProgress
    {
        TasksDone = finished.Count,
        TasksTotal = plan.Tasks.Count,
        Running = inFlight.Keys.Order().Select(i => new RunningTask(i, plan.Tasks[i].Name, plan.Tasks[i].Agent)).ToList(),
        Finished = finished.Select(i => plan.Tasks[i].Name).ToList(),
        Tokens = tokens,
    });

    static TaskOptions? RetryFor(PlannedTask task) => task.MaxRetryLimit <= 0
        ? null
        : TaskOptions.FromRetryPolicy(new RetryPolicy(task.MaxRetryLimit + 1, TimeSpan.FromSeconds(1), backoffCoefficient: 2)
        {
            // A missing setting will not fix itself: fail at once instead of retrying.
            HandleFailure = failure => !failure.IsCausedBy<ModelConfigurationException>(),
        });
}
