using DurableCrews.Orchestration.Crews;
using DurableCrews.Runs;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration.Flows;

/// <summary>
/// One flow run (instance id = run id): each step a crew run as a sub-orchestration <c>{runId}.{step}</c>, started as
/// soon as the steps it depends on have finished, so independent steps run in parallel; under the flow's
/// <c>max_execution_time</c> when it has one; its result gathered like a crew's. A flow with state, routing or loops
/// runs by <see cref="FlowGraphRun"/> instead, chosen by its plan, so histories of the plain flows replay unchanged.
/// </summary>
public sealed class FlowOrchestrator : TaskOrchestrator<CrewRunInput, CrewRunSummary>
{
    /// <inheritdoc />
    public override async Task<CrewRunSummary> RunAsync(TaskOrchestrationContext context, CrewRunInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var startedAt = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);
        var plan = await context.CallActivityAsync<FlowPlan>(nameof(StartFlowActivity), input.RunId, CrewOrchestrator.StoreOnlyRetry);

        CrewWorkOutcome outcome;
        if (plan.MaxExecutionTime is null)
        {
            outcome = await RunAnyAsync(context, input.RunId, plan);
        }
        else
        {
            context.SetCustomStatus(new CrewProgress { TasksTotal = plan.Steps.Count, WorkInstance = $"{input.RunId}/work" });
            var (timedOut, finished) = await ChildDeadline.CallAsync<CrewWorkOutcome>(
                context, new ChildDeadlineRequest(nameof(FlowWorkOrchestrator), $"{input.RunId}/work", new CrewRunInput(input.RunId), InstanceTree.DescendantsOf(input.RunId), "The flow") { Seconds = plan.MaxExecutionTime });
            outcome = timedOut
                ? new CrewWorkOutcome(CrewRunStatus.TimedOut, null, $"The flow exceeded its max_execution_time of {plan.MaxExecutionTime} s; the steps that finished are kept.")
                : finished!;
        }

        var summary = await context.CallActivityAsync<CrewRunSummary>(
            nameof(CompleteFlowActivity), new CompleteRunRequest(input.RunId, outcome.Status, startedAt, null, outcome.Error), CrewOrchestrator.StoreOnlyRetry);
        if (plan.PublishResults)
        {
            await context.CallActivityAsync<bool>(nameof(PublishResultActivity), summary, CrewOrchestrator.StoreOnlyRetry);
        }

        return outcome.Status == CrewRunStatus.Failed ? throw new CrewRunFailedException(outcome.Error!) : summary;
    }

    /// <summary>Runs a CrewAI-style flow's steps by its graph, or (for a flow of crews with <c>depends_on</c> only, and every plan recorded before graphs existed) as before.</summary>
    internal static Task<CrewWorkOutcome> RunAnyAsync(TaskOrchestrationContext context, string runId, FlowPlan plan) =>
        plan.Graph is { } graph ? FlowGraphRun.RunAsync(context, runId, graph) : RunStepsAsync(context, runId, plan);

    /// <summary>
    /// Runs the steps: each as soon as its dependencies have finished; after a failure, no new step starts. A replay's
    /// kept steps (<see cref="FlowPlan.Kept"/>) have finished already.
    /// </summary>
    internal static async Task<CrewWorkOutcome> RunStepsAsync(TaskOrchestrationContext context, string runId, FlowPlan plan)
    {
        var done = new List<string>(plan.Kept ?? []);
        var running = new Dictionary<string, (string RunId, Task<CrewRunSummary> Run)>(StringComparer.Ordinal);
        string? failure = null;
        long tokens = 0;
        while (true)
        {
            var ready = failure is not null ? [] : plan.Steps.Where(s => !done.Contains(s.Name) && !running.ContainsKey(s.Name) && s.DependsOn.All(done.Contains)).ToList();
            foreach (var step in ready)
            {
                try
                {
                    string stepRun = await context.CallActivityAsync<string>(nameof(StartFlowStepActivity), new FlowStepRequest(runId, step.Name), CrewOrchestrator.StoreOnlyRetry);
                    running[step.Name] = (stepRun, context.CallSubOrchestratorAsync<CrewRunSummary>(nameof(CrewOrchestrator), new CrewRunInput(stepRun), OrchestrationVersions.Child(context, stepRun)));
                }
                catch (TaskFailedException ex)
                {
                    failure ??= $"Step '{step.Name}' could not start: {ex.FailureDetails.ErrorMessage}";
                    break;
                }
            }

            ReportProgress(context, plan, done, running, tokens);
            if (running.Count == 0)
            {
                break;
            }

            var next = await Task.WhenAny(running.Values.Select(r => r.Run));
            var (name, (_, run)) = running.First(r => r.Value.Run == next);
            running.Remove(name);
            try
            {
                var summary = await run;
                tokens += summary.TokenUsage.TotalTokens;
                if (summary.Status == CrewRunStatus.Completed)
                {
                    done.Add(name);
                }
                else
                {
                    failure ??= $"Step '{name}' ended {summary.Status}: {summary.Error}";
                }
            }
            catch (TaskFailedException ex)
            {
                failure ??= $"Step '{name}' failed: {ex.FailureDetails.ErrorMessage}";
            }
        }

        return failure is null
            ? new CrewWorkOutcome(CrewRunStatus.Completed, null, null)
            : new CrewWorkOutcome(CrewRunStatus.Failed, null, failure);
    }

    static void ReportProgress(TaskOrchestrationContext context, FlowPlan plan, IReadOnlyList<string> done, Dictionary<string, (string RunId, Task<CrewRunSummary> Run)> running, long tokens) =>
        context.SetCustomStatus(new CrewProgress
        {
            TasksDone = done.Count,
            TasksTotal = plan.Steps.Count,
            Running = plan.Steps.Select((s, i) => (s, i)).Where(x => running.ContainsKey(x.s.Name))
                .Select(x => new RunningTask(x.i, x.s.Name, x.s.Crew, running[x.s.Name].RunId)).ToList(),
            Finished = done.TakeLast(CrewProgress.MaxListed).ToList(),
            Tokens = tokens,
        });
}
