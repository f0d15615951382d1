using DurableCrews.Notifications;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration;

/// <summary>
/// The durable mechanics of running a crew's tasks in order: each task one agent's work (key <c>t{n}</c>, retries
/// <c>t{n}-r{k}</c>), inline in this orchestration or as the sub-orchestration <c>{runId}/{key}</c> bounded by its
/// agent's <c>max_execution_time</c>; context
/// resolution; async tasks fanned out alongside later ones and fanned in before a task that needs them; progress.
/// </summary>
internal sealed class TaskSequence
{
    readonly TaskOrchestrationContext context;
    readonly string runId;
    readonly CrewRunPlan plan;
    readonly List<int> finished = [];
    readonly Dictionary<int, Task<AgentWorkSummary>> inFlight = [];
    readonly Dictionary<int, string> attempts = [];
    readonly Dictionary<int, AgentWorkProgress> live = [];
    readonly DateTimeOffset? completesRunStartedAt;
    long tokens;

    /// <summary>Creates the sequence.</summary>
    /// <param name="context">The orchestration the tasks run in.</param>
    /// <param name="runId">The run.</param>
    /// <param name="plan">The run's plan.</param>
    /// <param name="completesRunStartedAt">
    /// When this orchestration is the run's own and started then: the last task, run inline after every other has
    /// finished, completes the run in its finishing turn (one activity fewer per run); null when the run completes elsewhere.
    /// </param>
    public TaskSequence(TaskOrchestrationContext context, string runId, CrewRunPlan plan, DateTimeOffset? completesRunStartedAt = null)
    {
        this.context = context;
        this.runId = runId;
        this.plan = plan;
        this.completesRunStartedAt = completesRunStartedAt;
    }

    /// <summary>The indexes of the tasks that finished, in the order they finished.</summary>
    public IReadOnlyList<int> Finished => finished;

    /// <summary>The run, when its last task's finishing turn completed it.</summary>
    public CrewRunSummary? RunCompleted { get; private set; }

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
            inFlight[task.Index] = RunTaskAsync(task, contextTasks);
            ReportProgress();
            if (!task.Async)
            {
                await FinishInFlightAsync([task.Index]);
            }
        }

        await FinishInFlightAsync(inFlight.Keys.ToList());
    }

    /// <summary>Runs one task, trying again after a failure or a timeout up to its agent's <c>max_retry_limit</c>.</summary>
    async Task<AgentWorkSummary> RunTaskAsync(PlannedTask task, IReadOnlyList<int> contextTasks)
    {
        for (int attempt = 0; ; attempt++)
        {
            string key = attempt == 0 ? $"t{task.Index}" : $"t{task.Index}-r{attempt}";
            attempts[task.Index] = key;
            var input = new AgentWorkInput(runId, key, task.Index, contextTasks, StepWebhook: plan.Webhooks?.Step, Folded: OrchestrationVersions.FoldsWork(context.Version), RunETag: plan.RunETag, NoEarlierOutput: attempt == 0 && task.NoEarlierOutput);
            string failure;
            try
            {
                var (timedOut, summary) = await AttemptAsync(task, input);
                if (!timedOut)
                {
                    return summary!;
                }

                failure = $"Task '{task.Name}' exceeded its agent's max_execution_time of {task.MaxExecutionTime} s.";
            }
            catch (TaskFailedException ex) when (!IsFinal(ex))
            {
                failure = ex.FailureDetails.ErrorMessage;
            }

            if (attempt >= task.MaxRetryLimit)
            {
                throw new AgentWorkFailedException(attempt == 0 ? failure : $"{failure} (after {attempt} retries, max_retry_limit {task.MaxRetryLimit})");
            }
        }
    }

    /// <summary>
    /// One try of a task: inline here when nothing needs its own instance (<see cref="PlannedTask.Inline"/>), else its
    /// sub-orchestration, bounded by its agent's <c>max_execution_time</c>.
    /// </summary>
    async Task<(bool TimedOut, AgentWorkSummary? Summary)> AttemptAsync(PlannedTask task, AgentWorkInput input)
    {
        if (!task.Inline)
        {
            return await ChildDeadline.CallAsync<AgentWorkSummary>(
                context, nameof(AgentWorkOrchestrator), input.InstanceId, [$"{input.InstanceId}/"], input, task.MaxExecutionTime, $"Task '{task.Name}'");
        }

        var loop = new AgentLoop(context, input, null, progress => ReportProgress(task.Index, progress), CompletionFor(task));
        try
        {
            var summary = await loop.RunAsync();
            RunCompleted = loop.RunCompleted;
            return (false, summary);
        }
        finally
        {
            live.Remove(task.Index);
        }
    }

    /// <summary>
    /// The completion a task's finishing turn does as well: only for the plan's last task when it is not async, which
    /// <see cref="RunAsync"/> starts after every other task has finished (so the run's result is whole once it is).
    /// </summary>
    CompleteRunRequest? CompletionFor(PlannedTask task) =>
        completesRunStartedAt is { } startedAt && task.Index == plan.Tasks.Count - 1 && !task.Async
            ? new CompleteRunRequest(runId, Runs.CrewRunStatus.Completed, startedAt, [.. finished, task.Index], RunETag: plan.RunETag)
            : null;

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
            catch (Exception ex) when (ex is TaskFailedException or AgentWorkFailedException)
            {
                FailedTask = plan.Tasks[index].Name;
                throw;
            }
            finally
            {
                inFlight.Remove(index);
            }

            ReportProgress();
            if (plan.Webhooks?.Task is { } url)
            {
                await Webhooks.SendAsync(context, new WebhookRequest(runId, WebhookEvent.Task, url, $"{runId}#task{index}", index));
            }
        }
    }

    void ReportProgress(int index, AgentWorkProgress progress)
    {
        live[index] = progress;
        ReportProgress();
    }

    void ReportProgress() => context.SetCustomStatus(new CrewProgress
    {
        TasksDone = finished.Count,
        TasksTotal = plan.Tasks.Count,
        Running = ListRunning(),
        Finished = finished.TakeLast(CrewProgress.MaxListed).Select(i => plan.Tasks[i].Name).ToList(),
        Tokens = tokens,
    });

    /// <summary>
    /// The running tasks as the progress lists them: an inline task's delegations and tools are known here (at most
    /// <see cref="CrewProgress.MaxListedCalls"/> in all, keeping the status small), a sub-orchestration's are read from its instance.
    /// </summary>
    List<RunningTask> ListRunning()
    {
        int calls = CrewProgress.MaxListedCalls;
        var running = new List<RunningTask>();
        foreach (int index in inFlight.Keys.Order().Take(CrewProgress.MaxListed))
        {
            var task = plan.Tasks[index];
            if (!task.Inline)
            {
                running.Add(new RunningTask(index, task.Name, task.Agent, $"{runId}/{attempts[index]}"));
                continue;
            }

            var progress = live.GetValueOrDefault(index);
            var delegations = (progress?.Delegations ?? []).Take(calls).ToList();
            calls -= delegations.Count;
            var tools = (progress?.Tools ?? []).Take(calls).ToList();
            calls -= tools.Count;
            running.Add(new RunningTask(index, task.Name, task.Agent) { Delegations = delegations, Tools = tools });
        }

        return running;
    }

    // A missing setting will not fix itself, and a work that spent its own retries (429s, guardrail revisions) or
    // waited out its person has had its chances: fail at once instead of trying the whole task again.
    static bool IsFinal(TaskFailedException failure) =>
        Causes(failure.FailureDetails).Any(f => f.IsCausedBy<Models.ModelConfigurationException>() || f.IsCausedBy<AgentWorkFailedException>());

    static IEnumerable<TaskFailureDetails> Causes(TaskFailureDetails? failure)
    {
        for (; failure is not null; failure = failure.InnerFailure)
        {
            yield return failure;
        }
    }
}
