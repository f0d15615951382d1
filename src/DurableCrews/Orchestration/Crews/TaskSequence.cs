using DurableCrews.Notifications;
using DurableCrews.Orchestration.AgentWork;
using DurableCrews.Orchestration.AgentWork.Legacy;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration.Crews;

/// <summary>
/// The durable mechanics of running a crew's tasks in order: each task one agent's work (key <c>t{n}</c>, retries
/// <c>t{n}-r{k}</c>; a <c>for_each</c> task's items each their own, <c>t{n}/i{k}</c>), inline in this orchestration or as
/// the sub-orchestration <c>{runId}/{key}</c> bounded by its agent's <c>max_execution_time</c>; context resolution; async
/// tasks fanned out alongside later ones and fanned in before a task that needs them; progress.
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
    readonly Dictionary<int, SortedDictionary<int, string>> runningItems = [];
    readonly Dictionary<int, ItemProgress> itemProgress = [];
    readonly CompleteRunRequest? completion;
    readonly Action<CrewProgress> report;
    long tokens;

    /// <summary>Creates the sequence.</summary>
    /// <param name="context">The orchestration the tasks run in.</param>
    /// <param name="runId">The run.</param>
    /// <param name="plan">The run's plan.</param>
    /// <param name="completion">
    /// When this orchestration runs the run to its end: the run's completion, which the last task, run inline after every
    /// other has finished, does in its finishing turn (one activity fewer per run); null when the run completes elsewhere.
    /// </param>
    /// <param name="report">Where the run's progress goes: the orchestration's custom status unless given.</param>
    public TaskSequence(TaskOrchestrationContext context, string runId, CrewRunPlan plan, CompleteRunRequest? completion = null, Action<CrewProgress>? report = null)
    {
        this.context = context;
        this.runId = runId;
        this.plan = plan;
        this.completion = completion;
        this.report = report ?? context.SetCustomStatus;
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

            if (task.Reads is { } reads)
            {
                // A condition or for_each reads its tasks' stored outputs: an async one it names must have finished.
                await FinishInFlightAsync(reads.Where(inFlight.ContainsKey).ToList());
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

    /// <summary>
    /// Runs one task: once, or skipped, or once per item (as its <c>condition</c> and <c>for_each</c> decide, when it
    /// has them).
    /// </summary>
    async Task<AgentWorkSummary> RunTaskAsync(PlannedTask task, IReadOnlyList<int> contextTasks)
    {
        if (!task.Prepared)
        {
            return await RunWorkAsync(task, contextTasks);
        }

        var preparation = await context.CallActivityAsync<TaskPreparation>(
            nameof(PrepareTaskActivity), new PrepareTaskRequest(runId, task.Index, plan.RunETag), CrewOrchestrator.StoreOnlyRetry);
        if (preparation.Error is { } error)
        {
            throw new AgentWorkFailedException(error);
        }

        return preparation switch
        {
            { Skipped: not null } => new AgentWorkSummary($"t{task.Index}", task.Index, task.Agent, preparation.OutputBlob, Runs.TokenUsage.Zero),
            { Items: > 0 } => await RunItemsAsync(task, contextTasks, preparation),
            _ => await RunWorkAsync(task, contextTasks),
        };
    }

    /// <summary>
    /// Runs a <c>for_each</c> task's items, each its own work <c>t{n}/i{k}</c> (inline when <see cref="ItemsInline"/>, else
    /// the sub-orchestration <c>{runId}/t{n}/i{k}</c>), at most its <c>max_parallel</c> at once, a finished item making
    /// room for the next. After a failure no new item starts; those running finish
    /// first, so none is left behind, then the task fails.
    /// </summary>
    async Task<AgentWorkSummary> RunItemsAsync(PlannedTask task, IReadOnlyList<int> contextTasks, TaskPreparation preparation)
    {
        var running = new Dictionary<Task<AgentWorkSummary>, int>();
        var usage = new Runs.TokenUsage[preparation.Items];
        Exception? failure = null;
        int next = 0, done = 0;
        runningItems[task.Index] = [];
        itemProgress[task.Index] = new ItemProgress(task.Index, task.Name, 0, preparation.Items);
        try
        {
            while (running.Count > 0 || (next < preparation.Items && failure is null))
            {
                while (failure is null && next < preparation.Items && running.Count < task.MaxParallel)
                {
                    running[RunWorkAsync(task, contextTasks, next)] = next;
                    next++;
                }

                ReportProgress();
                var first = await Task.WhenAny(running.Keys);
                int item = running[first];
                running.Remove(first);
                runningItems[task.Index].Remove(item);
                try
                {
                    usage[item] = (await first).TokenUsage;
                    itemProgress[task.Index] = itemProgress[task.Index] with { Done = ++done };
                }
                catch (Exception ex) when (ex is TaskFailedException or AgentWorkFailedException)
                {
                    failure ??= new AgentWorkFailedException($"Item {item} of '{task.Name}' failed: {(ex is TaskFailedException failed ? failed.FailureDetails.ErrorMessage : ex.Message)}");
                }
            }
        }
        finally
        {
            runningItems.Remove(task.Index);
            itemProgress.Remove(task.Index);
        }

        return failure is null
            ? new AgentWorkSummary($"t{task.Index}", task.Index, task.Agent, preparation.OutputBlob, Runs.TokenUsage.Sum(usage))
            : throw failure;
    }

    /// <summary>
    /// Runs one task's work, or one item's, trying again after a failure or a timeout up to its agent's <c>max_retry_limit</c>.
    /// </summary>
    async Task<AgentWorkSummary> RunWorkAsync(PlannedTask task, IReadOnlyList<int> contextTasks, int? item = null)
    {
        string work = item is { } k ? $"t{task.Index}/i{k}" : $"t{task.Index}";
        string name = item is { } i ? Runs.TaskOutput.ItemName(task.Name, i) : task.Name;
        for (int attempt = 0; ; attempt++)
        {
            string key = attempt == 0 ? work : $"{work}-r{attempt}";
            if (item is { } position)
            {
                runningItems[task.Index][position] = key;
            }
            else
            {
                attempts[task.Index] = key;
            }

            var input = new AgentWorkInput(runId, key, task.Index, contextTasks, StepWebhook: plan.Webhooks?.Step, Folded: OrchestrationVersions.FoldsWork(context.Version), RunETag: plan.RunETag, NoEarlierOutput: attempt == 0 && task.NoEarlierOutput, Item: item);
            string failure;
            try
            {
                var (timedOut, summary) = await AttemptAsync(task, input);
                if (!timedOut)
                {
                    return summary!;
                }

                failure = $"Task '{name}' exceeded its agent's max_execution_time of {task.MaxExecutionTime} s.";
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
        if (!task.Inline || (input.Item is not null && !ItemsInline(task)))
        {
            return await ChildDeadline.CallAsync<AgentWorkSummary>(
                context, new ChildDeadlineRequest(nameof(AgentWorkOrchestrator), input.InstanceId, input, [$"{input.InstanceId}/"], $"Task '{task.Name}'") { Seconds = task.MaxExecutionTime });
        }

        if (input.Item is not null)
        {
            // Items run side by side: the progress lists each by name (runningItems), not its turns' calls.
            return (false, await new AgentLoop(context, input, _ => { }).RunAsync());
        }

        Action<AgentWorkProgress> report = progress => ReportProgress(task.Index, progress);
        var loop = LegacyAgentWork.Replays(input) ? LegacyAgentWork.Inline(context, input, report) : new AgentLoop(context, input, report, CompletionFor(task));
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
        completion is { } completing && task.Index == plan.Tasks.Count - 1 && !task.Async
            ? completing with { FinishedTasks = [.. finished, task.Index] }
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

    void ReportProgress() => report(new CrewProgress
    {
        TasksDone = finished.Count,
        TasksTotal = plan.Tasks.Count,
        Running = ListRunning(),
        Finished = finished.TakeLast(CrewProgress.MaxListed).Select(i => plan.Tasks[i].Name).ToList(),
        Tokens = tokens,
        Items = itemProgress.Count == 0 ? null : itemProgress.Values.OrderBy(p => p.Index).ToList(),
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
            if (runningItems.TryGetValue(index, out var items))
            {
                running.AddRange(items.Take(CrewProgress.MaxListed).Select(item => new RunningTask(index, Runs.TaskOutput.ItemName(task.Name, item.Key), task.Agent, ItemsInline(task) ? null : $"{runId}/{item.Value}")));
                continue;
            }

            if (!task.Inline)
            {
                // A task deciding its condition or for_each has no work yet.
                running.Add(new RunningTask(index, task.Name, task.Agent, attempts.TryGetValue(index, out string? key) ? $"{runId}/{key}" : null));
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

    /// <summary>Whether the items of <paramref name="task"/> run inline here (from <see cref="OrchestrationVersions.InlineItems"/> on, when its work needs no instance of its own).</summary>
    bool ItemsInline(PlannedTask task) => task.Inline && OrchestrationVersions.RunsItemsInline(context.Version);

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
