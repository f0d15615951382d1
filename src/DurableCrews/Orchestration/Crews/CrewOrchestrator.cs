using DurableCrews.Notifications;
using DurableCrews.Orchestration.AgentWork;
using DurableCrews.Orchestration.Flows;
using DurableCrews.Runs;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration.Crews;

/// <summary>
/// One crew kickoff (instance id = run id): plan the run, run its tasks (under the crew's <c>max_execution_time</c>
/// when it has one), then gather the result and tell the run's webhook. Payloads are ids and blob names; texts stay
/// in blobs. A failed or timed-out run keeps the outputs of the tasks that finished.
/// </summary>
public sealed class CrewOrchestrator : TaskOrchestrator<CrewRunInput, CrewRunSummary>
{
    /// <summary>
    /// For activities that only read and write storage: a passing storage failure is tried again. Never for the model
    /// turn, whose failures are outcomes the orchestration retries per the agent's max_retry_limit; a second layer there
    /// would multiply the model calls.
    /// </summary>
    internal static readonly TaskOptions StoreOnlyRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2));

    /// <inheritdoc />
    public override async Task<CrewRunSummary> RunAsync(TaskOrchestrationContext context, CrewRunInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var startedAt = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);
        var plan = await PlanOfAsync(context, input);
        return await RunPlannedAsync(context, input.RunId, plan, startedAt, context.SetCustomStatus);
    }

    /// <summary>
    /// Runs a planned crew run in <paramref name="context"/> (its own orchestration, or a flow's that runs the run as
    /// one of its steps) from its tasks to its result and webhook, its progress going to <paramref name="report"/>; with
    /// <paramref name="finishStep"/>, the run's completion finishes that flow step too (<see cref="CompleteRunRequest.FinishStep"/>).
    /// </summary>
    /// <exception cref="CrewRunFailedException">The run failed; its result is stored.</exception>
    internal static async Task<CrewRunSummary> RunPlannedAsync(
        TaskOrchestrationContext context, string runId, CrewRunPlan plan, DateTimeOffset startedAt, Action<CrewProgress> report, FlowStepOrder? finishStep = null)
    {
        var completion = new CompleteRunRequest(runId, CrewRunStatus.Completed, startedAt, null, RunETag: plan.RunETag) { FinishStep = finishStep };
        var outcome = plan.MaxExecutionTime is null
            ? await RunTasksAsync(context, runId, plan, completion, report)
            : await RunTasksWithDeadlineAsync(context, runId, plan, report);

        var summary = await CompleteAsync(context, completion, outcome);
        if (plan.PublishResults)
        {
            await context.CallActivityAsync<bool>(nameof(PublishResultActivity), summary, StoreOnlyRetry);
        }

        if (plan.Webhooks?.Run is { } url)
        {
            await Webhooks.SendAsync(context, new WebhookRequest(runId, WebhookEvent.Run, url, $"{runId}#run", RunStatus: outcome.Status.ToString(), Error: outcome.Error));
        }

        return outcome.Status == CrewRunStatus.Failed ? throw new CrewRunFailedException(outcome.Error!) : summary;
    }

    /// <summary>
    /// The run's plan: the one its kickoff made, else (a flow's step, a run of an earlier version) the one
    /// <see cref="StartRunActivity"/> makes from the stored request.
    /// </summary>
    static async Task<CrewRunPlan> PlanOfAsync(TaskOrchestrationContext context, CrewRunInput input) =>
        input.Plan ?? await context.CallActivityAsync<CrewRunPlan>(nameof(StartRunActivity), input.RunId, StoreOnlyRetry);

    /// <summary>
    /// The completed run: as the last task's finishing turn completed it, else (the turn could not, the last task was
    /// async or ran under the crew's deadline, the run failed, or its works finish with their own activity) as
    /// <see cref="CompleteRunActivity"/> completes it.
    /// </summary>
    static async Task<CrewRunSummary> CompleteAsync(TaskOrchestrationContext context, CompleteRunRequest completion, TasksOutcome outcome) =>
        outcome.Completed ?? await context.CallActivityAsync<CrewRunSummary>(
            nameof(CompleteRunActivity), completion with { Status = outcome.Status, FinishedTasks = outcome.Finished, Error = outcome.Error }, StoreOnlyRetry);

    /// <summary>
    /// Runs the tasks here, in this orchestration; with <paramref name="completion"/> (this orchestration runs the run to
    /// its end) the run as its last task completed it, when it did. Progress goes to <paramref name="report"/>, the
    /// orchestration's custom status unless given.
    /// </summary>
    internal static async Task<TasksOutcome> RunTasksAsync(
        TaskOrchestrationContext context, string runId, CrewRunPlan plan, CompleteRunRequest? completion = null, Action<CrewProgress>? report = null)
    {
        var tasks = new TaskSequence(context, runId, plan, completion, report);
        try
        {
            if (plan.Planning)
            {
                await PlanAsync(context, runId, plan, report ?? context.SetCustomStatus);
            }

            await tasks.RunAsync();
            return new TasksOutcome(CrewRunStatus.Completed, tasks.Finished, null, tasks.RunCompleted);
        }
        catch (Exception ex) when (ex is TaskFailedException or AgentWorkFailedException)
        {
            string reason = ex is TaskFailedException failed ? failed.FailureDetails.ErrorMessage : ex.Message;
            return TasksOutcome.Failed(tasks.Finished, tasks.FailedTask, reason);
        }
    }

    /// <summary>The planner turn (<c>planning: true</c>): its plan goes into each task's description.</summary>
    static Task PlanAsync(TaskOrchestrationContext context, string runId, CrewRunPlan plan, Action<CrewProgress> report)
    {
        report(new CrewProgress { TasksTotal = plan.Tasks.Count, Running = [new RunningTask(-1, AgentWorkInput.PlanningKey, Agents.PlanningPrompt.Role, $"{runId}/{AgentWorkInput.PlanningKey}")] });
        var input = new AgentWorkInput(runId, AgentWorkInput.PlanningKey, -1, [], Folded: OrchestrationVersions.FoldsWork(context.Version), RunETag: plan.RunETag);
        return context.CallSubOrchestratorAsync<AgentWorkSummary>(nameof(AgentWorkOrchestrator), input, OrchestrationVersions.Child(context, input.InstanceId));
    }

    /// <summary>Runs the tasks in the child <c>{runId}/work</c>, raced against the crew's deadline.</summary>
    static async Task<TasksOutcome> RunTasksWithDeadlineAsync(TaskOrchestrationContext context, string runId, CrewRunPlan plan, Action<CrewProgress> report)
    {
        report(new CrewProgress { TasksTotal = plan.Tasks.Count, WorkInstance = $"{runId}/work" });
        var (timedOut, outcome) = await ChildDeadline.CallAsync<CrewWorkOutcome>(
            context, new ChildDeadlineRequest(nameof(CrewWorkOrchestrator), $"{runId}/work", new CrewWorkInput(runId, plan), InstanceTree.DescendantsOf(runId), "The crew") { Seconds = plan.MaxExecutionTime });
        return timedOut
            ? TasksOutcome.TimedOut(plan.MaxExecutionTime)
            : new TasksOutcome(outcome!.Status, outcome.Finished, outcome.Error, null);
    }
}
