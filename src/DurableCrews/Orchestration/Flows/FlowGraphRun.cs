using System.Text.Json;
using System.Text.Json.Nodes;
using DurableCrews.Definitions;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Runs;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration.Flows;

/// <summary>
/// The steps of a CrewAI-style flow run in its orchestration: start steps first; when a step finishes, its
/// <c>set</c> and <c>router</c> are applied (one step at a time, so the state has one writer) and the names it
/// fired (its own and its labels) start the steps listening to any of them, or depending on all of them. A step
/// started while it runs starts again after; each start past its <c>max_iterations</c> fails the flow. From
/// <see cref="OrchestrationVersions.FoldedFlowSteps"/> on, a step's finish also begins the steps listening to it, so
/// an iteration of a loop is one activity beside its crew run rather than two; from
/// <see cref="OrchestrationVersions.StepFinishedWithRun"/> on, a step running alone with one inline crew run is finished by
/// that run's completion, so the iteration is its crew run's activities alone.
/// </summary>
/// <remarks>
/// History stays bounded rather than continued-as-new: every step run is a handful of events (two activities and
/// its crew runs as sub-orchestrations, whose own histories are theirs, or a one-run step's task turns run inline), and a flow has at most 64 steps each
/// bounded by <c>max_iterations</c>; the outputs themselves stay in blobs and never enter this history.
/// </remarks>
internal sealed class FlowGraphRun
{
    /// <summary>Expression and definition failures are the same on a retry; only store failures are worth one.</summary>
    static readonly TaskOptions StepRetry = TaskOptions.FromRetryPolicy(
        new RetryPolicy(3, TimeSpan.FromSeconds(1), backoffCoefficient: 2) { HandleFailure = failure => !failure.IsCausedBy<FlowStepException>() });

    /// <summary>
    /// The largest finish order (JSON bytes) a step hands its crew run: each turn of the run's last task records it, so
    /// a larger one (a large state) is left to the finish's own activity, which records it once.
    /// </summary>
    internal const int MaxFinishOrderBytes = 4096;

    readonly TaskOrchestrationContext context;
    readonly string runId;
    readonly FlowGraph graph;
    readonly Dictionary<string, FlowStepRecord> latest = new(StringComparer.Ordinal);
    readonly Dictionary<string, int> iterations = new(StringComparer.Ordinal);
    readonly Dictionary<string, HashSet<string>> heard = new(StringComparer.Ordinal);
    readonly List<string> ready = [];
    readonly HashSet<string> again = new(StringComparer.Ordinal);
    readonly Dictionary<string, Task<FlowStepRecord>> running = new(StringComparer.Ordinal);
    readonly Dictionary<string, RunningTask> shown = new(StringComparer.Ordinal);
    readonly Dictionary<string, FlowStepBegun> begun = new(StringComparer.Ordinal);
    readonly Dictionary<string, FlowStepEnd> endedWithRun = new(StringComparer.Ordinal);
    readonly Dictionary<string, ItemProgress> items = new(StringComparer.Ordinal);
    readonly List<string> finished = [];
    JsonObject state;
    long tokens;

    FlowGraphRun(TaskOrchestrationContext context, string runId, FlowGraph graph)
    {
        this.context = context;
        this.runId = runId;
        this.graph = graph;
        state = graph.State;
        if (graph.Resume is { } resume)
        {
            Restore(resume);
        }
    }

    /// <summary>Runs the flow's steps until none is running or waiting to start; after a failure, no new step starts.</summary>
    public static Task<CrewWorkOutcome> RunAsync(TaskOrchestrationContext context, string runId, FlowGraph graph) =>
        new FlowGraphRun(context, runId, graph).RunAsync();

    async Task<CrewWorkOutcome> RunAsync()
    {
        ready.AddRange(graph.Resume is { } resume ? resume.Ready : graph.Steps.Where(s => s.Start).Select(s => s.Name));
        string? failure = null;
        while (true)
        {
            failure ??= StartReady();
            ReportProgress();
            if (running.Count == 0)
            {
                break;
            }

            var next = await Task.WhenAny(running.Values);
            string name = running.First(r => r.Value == next).Key;
            running.Remove(name);
            try
            {
                var record = await next;
                if (failure is null)
                {
                    await FinishAsync(record);
                }
            }
            catch (TaskFailedException ex)
            {
                failure ??= $"Step '{name}' failed: {ex.FailureDetails.ErrorMessage}";
            }
            catch (FlowStepException ex)
            {
                failure ??= ex.Message;
            }

            if (again.Remove(name))
            {
                ready.Add(name);
            }
        }

        return failure is null
            ? new CrewWorkOutcome(CrewRunStatus.Completed, null, null)
            : new CrewWorkOutcome(CrewRunStatus.Failed, null, failure);
    }

    /// <summary>Takes up a replay's flow as it stood before the step it is from began: the finished steps, their counts, what the steps waiting on all of theirs have heard.</summary>
    void Restore(FlowGraphResume resume)
    {
        foreach (var (step, record) in resume.Steps)
        {
            latest[step] = record;
        }

        foreach (var (step, count) in resume.Iterations)
        {
            iterations[step] = count;
        }

        foreach (var (step, names) in resume.Heard)
        {
            heard[step] = new HashSet<string>(names, StringComparer.Ordinal);
        }

        again.UnionWith(resume.Again);
        finished.AddRange(resume.Finished);
    }

    /// <summary>Starts the steps waiting to; a start past a step's bound is the flow's failure.</summary>
    string? StartReady()
    {
        // A step that starts alone stays alone until it finishes (only a finish starts steps), so the flow it will finish
        // in is the one it starts in, and its crew run's completion can finish it.
        bool alone = ready.Count == 1 && running.Count == 0 && OrchestrationVersions.FinishesStepsWithRuns(context.Version);
        foreach (string name in ready)
        {
            var step = graph.Steps.First(s => s.Name == name);
            int iteration = iterations.GetValueOrDefault(name) + 1;
            if (iteration > step.MaxIterations)
            {
                ready.Clear();
                return $"Step '{name}' was started a {Ordinal(iteration)} time; its max_iterations is {step.MaxIterations}, so the loop through it did not end.";
            }

            iterations[name] = iteration;
            running[name] = RunStepAsync(step, iteration, alone);
        }

        ready.Clear();
        begun.Clear();
        return null;
    }

    /// <summary>Applies the finished step's set and router, then fires its name and labels.</summary>
    async Task FinishAsync(FlowStepRecord record)
    {
        var end = endedWithRun.Remove(record.Step, out var ended)
            ? ended
            : await context.CallActivityAsync<FlowStepEnd>(nameof(FinishFlowStepActivity), FinishOrder(record, running.Keys.ToList()), StepRetry);
        state = end.State;
        foreach (var next in end.Begun)
        {
            begun[next.Step] = next;
        }

        latest[record.Step] = record with { Labels = end.Labels };
        finished.Add(FlowGraphResume.Listed(record));
        Fire(record.Step);
        foreach (string label in end.Labels)
        {
            Fire(label);
        }
    }

    /// <summary>Starts the steps listening to <paramref name="name"/>, and those whose every dependency has now fired.</summary>
    void Fire(string name)
    {
        foreach (var step in FlowFiring.Started(graph.Steps, name, heard))
        {
            if (running.ContainsKey(step.Name))
            {
                again.Add(step.Name);
            }
            else if (!ready.Contains(step.Name))
            {
                ready.Add(step.Name);
            }
        }
    }

    /// <summary>The order that finishes <paramref name="record"/> while <paramref name="stillRunning"/> run.</summary>
    FlowStepOrder FinishOrder(FlowStepRecord record, IReadOnlyList<string> stillRunning) => Order(record.Step, record.Iteration) with
    {
        Finished = record,
        BeginsNext = OrchestrationVersions.FoldsFlowSteps(context.Version),
        Running = stillRunning,
    };

    /// <summary>
    /// One run of a step: its crew runs (one per item, bounded), or a person's answer. A step running
    /// <paramref name="alone"/> with one crew run gives that run its finish.
    /// </summary>
    async Task<FlowStepRecord> RunStepAsync(FlowGraphStep step, int iteration, bool alone)
    {
        var start = begun.TryGetValue(step.Name, out var early) && early.Iteration == iteration
            ? early.Start
            : await context.CallActivityAsync<FlowStepStart>(nameof(BeginFlowStepActivity), Order(step.Name, iteration), StepRetry);
        if (step.Kind == FlowStepKind.HumanFeedback)
        {
            var answer = await WaitForFeedbackAsync(step, start.Message ?? string.Empty);
            return new FlowStepRecord { Step = step.Name, Iteration = iteration, Outcome = answer.Outcome, Feedback = answer.Feedback };
        }

        var record = new FlowStepRecord { Step = step.Name, Iteration = iteration, RunIds = start.RunIds };
        var finish = alone && !step.ForEach && start.RunIds.Count == 1 ? FinishOrder(record, []) : null;
        await RunCrewsAsync(step, start.RunIds, start.Plans, finish is not null && CrewJson.ToBinary(finish).ToMemory().Length <= MaxFinishOrderBytes ? finish : null);
        return record;
    }

    /// <summary>
    /// Runs the step's crews (as <see cref="StepCrewRun"/> decides), at most its <c>max_parallel</c> at once; after a
    /// failure, no new one starts. The one run given <paramref name="finish"/> may finish the step as it completes.
    /// </summary>
    async Task RunCrewsAsync(FlowGraphStep step, IReadOnlyList<string> runIds, IReadOnlyList<CrewRunPlan?>? plans, FlowStepOrder? finish)
    {
        var pending = new Queue<(string RunId, int Item)>(runIds.Select((r, i) => (r, i)));
        var active = new Dictionary<Task<CrewRunSummary>, string>();
        string? failure = null;
        if (step.ForEach)
        {
            items[step.Name] = new ItemProgress(graph.Steps.TakeWhile(s => s.Name != step.Name).Count(), step.Name, 0, runIds.Count);
        }

        while ((failure is null && pending.Count > 0) || active.Count > 0)
        {
            while (failure is null && active.Count < step.MaxParallel && pending.TryDequeue(out var child))
            {
                active[StepCrewRun.StartAsync(context, new CrewRunInput(child.RunId, plans?[child.Item]), step.ForEach, finish)] = child.RunId;
                shown[child.RunId] = new RunningTask(child.Item, runIds.Count == 1 ? step.Name : $"{step.Name}[{child.Item}]", step.Crew ?? step.Name, child.RunId);
            }

            if (active.Count == 0)
            {
                break;
            }

            ReportProgress();
            var next = await Task.WhenAny(active.Keys);
            shown.Remove(active[next]);
            active.Remove(next);
            if (step.ForEach)
            {
                items[step.Name] = items[step.Name] with { Done = items[step.Name].Done + 1 };
            }

            try
            {
                var summary = await next;
                tokens += summary.TokenUsage.TotalTokens;
                if (summary.StepEnd is { } end)
                {
                    endedWithRun[step.Name] = end;
                }

                if (summary.Status != CrewRunStatus.Completed)
                {
                    failure ??= $"Step '{step.Name}' ended {summary.Status}: {summary.Error}";
                }
            }
            catch (TaskFailedException ex)
            {
                failure ??= $"Step '{step.Name}' failed: {ex.FailureDetails.ErrorMessage}";
            }
            catch (CrewRunFailedException ex)
            {
                failure ??= $"Step '{step.Name}' failed: {ex.Message}";
            }
        }

        if (failure is not null)
        {
            throw new FlowStepException(failure);
        }
    }

    /// <summary>
    /// Waits durably for the run's <c>human_feedback</c> event naming one of the step's outcomes (an answer naming
    /// none is ignored), until its timeout, when the default outcome is taken.
    /// </summary>
    async Task<HumanFeedbackAnswer> WaitForFeedbackAsync(FlowGraphStep step, string message)
    {
        shown[step.Name] = new RunningTask(0, step.Name, "human", context.InstanceId) { WaitingFor = HumanFeedbackAnswer.EventName, Message = message, Outcomes = step.Outcomes };
        ReportProgress();
        DateTime? deadline = step.Timeout is { } seconds ? context.CurrentUtcDateTime.AddSeconds(seconds) : null;
        try
        {
            while (true)
            {
                JsonElement payload;
                try
                {
                    // After an answer naming no outcome, the wait goes on for what is left of the step's timeout.
                    var left = deadline - context.CurrentUtcDateTime;
                    payload = left is { } time
                        ? await context.WaitForExternalEvent<JsonElement>(HumanFeedbackAnswer.EventName, time > TimeSpan.Zero ? time : TimeSpan.FromMilliseconds(1))
                        : await context.WaitForExternalEvent<JsonElement>(HumanFeedbackAnswer.EventName);
                }
                catch (TaskCanceledException)
                {
                    return step.Default is { } fallback
                        ? new HumanFeedbackAnswer(fallback, null)
                        : throw new FlowStepException($"Step '{step.Name}': no human feedback arrived within {step.Timeout} s, and it has no default outcome.");
                }

                var answer = HumanFeedbackAnswer.Read(payload);
                if (answer.Outcome is { } outcome && step.Outcomes.Contains(outcome))
                {
                    return answer;
                }
            }
        }
        finally
        {
            shown.Remove(step.Name);
        }
    }

    FlowStepOrder Order(string step, int iteration) => new()
    {
        RunId = runId,
        Step = step,
        Iteration = iteration,
        State = state.DeepClone().AsObject(),
        Steps = new Dictionary<string, FlowStepRecord>(latest, StringComparer.Ordinal),
        Iterations = new Dictionary<string, int>(iterations, StringComparer.Ordinal),
    };

    void ReportProgress() =>
        context.SetCustomStatus(new CrewProgress
        {
            TasksDone = finished.Count,
            TasksTotal = graph.Steps.Count,
            Running = shown.Values.Take(CrewProgress.MaxListed).ToList(),
            Finished = finished.TakeLast(CrewProgress.MaxListed).ToList(),
            Tokens = tokens,
            Iterations = new Dictionary<string, int>(iterations, StringComparer.Ordinal),
            MaxIterations = graph.Steps.ToDictionary(s => s.Name, s => s.MaxIterations, StringComparer.Ordinal),
            Items = items.Count == 0 ? null : [.. items.Values.OrderBy(i => i.Index)],
        });

    static string Ordinal(int n) => (n % 100) switch
    {
        11 or 12 or 13 => $"{n}th",
        _ => (n % 10) switch { 1 => $"{n}st", 2 => $"{n}nd", 3 => $"{n}rd", _ => $"{n}th" },
    };
}
