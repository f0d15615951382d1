using DurableCrews.Notifications;
using DurableCrews.Orchestration.AgentWork;
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
    /// <summary>Retries for the activities that only read and write blobs (storage hiccups).</summary>
    /// <summary>
    /// For activities that only read and write storage: a passing storage failure is tried again. Never for the model
    /// turn, whose failures are outcomes the orchestration retries per the agent's max_retry_limit; a second layer there
    /// would multiply the model calls.
    /// </summary>
    internal static readonly TaskOptions StoreOnlyRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromSeconds(1), backoffCoefficient: 2));

    /// <inheritdoc />
    public override async Task<CrewRunSummary> RunAsync(TaskOrchestrationContext context, CrewRunInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var startedAt = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);
        var plan = input.Plan ?? await context.CallActivityAsync<CrewRunPlan>(nameof(StartRunActivity), input.RunId, StoreOnlyRetry);

        var (status, finished, error, completed) = plan.MaxExecutionTime is null
            ? await RunTasksAsync(context, input.RunId, plan, startedAt)
            : await RunTasksWithDeadlineAsync(context, input.RunId, plan);

        // The last task's finishing turn completes the run when it can; else (and in runs recorded before) this activity does.
        var summary = completed ?? await context.CallActivityAsync<CrewRunSummary>(
            nameof(CompleteRunActivity), new CompleteRunRequest(input.RunId, status, startedAt, finished, error, plan.RunETag), StoreOnlyRetry);
        if (plan.PublishResults)
        {
            await context.CallActivityAsync<bool>(nameof(PublishResultActivity), summary, StoreOnlyRetry);
        }

        if (plan.Webhooks?.Run is { } url)
        {
            await Webhooks.SendAsync(context, new WebhookRequest(input.RunId, WebhookEvent.Run, url, $"{input.RunId}#run", RunStatus: status.ToString(), Error: error));
        }

        return status == CrewRunStatus.Failed ? throw new CrewRunFailedException(error!) : summary;
    }

    /// <summary>
    /// Runs the tasks here, in this orchestration; with <paramref name="completesRunStartedAt"/> (the run's own
    /// orchestration) the run as its last task completed it, when it did.
    /// </summary>
    internal static async Task<TasksOutcome> RunTasksAsync(
        TaskOrchestrationContext context, string runId, CrewRunPlan plan, DateTimeOffset? completesRunStartedAt = null)
    {
        var tasks = new TaskSequence(context, runId, plan, completesRunStartedAt);
        try
        {
            if (plan.Planning)
            {
                await PlanAsync(context, runId, plan);
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
    static Task PlanAsync(TaskOrchestrationContext context, string runId, CrewRunPlan plan)
    {
        context.SetCustomStatus(new CrewProgress { TasksTotal = plan.Tasks.Count, Running = [new RunningTask(-1, AgentWorkInput.PlanningKey, Agents.PlanningPrompt.Role, $"{runId}/{AgentWorkInput.PlanningKey}")] });
        var input = new AgentWorkInput(runId, AgentWorkInput.PlanningKey, -1, [], Folded: OrchestrationVersions.FoldsWork(context.Version), RunETag: plan.RunETag);
        return context.CallSubOrchestratorAsync<AgentWorkSummary>(nameof(AgentWorkOrchestrator), input, OrchestrationVersions.Child(context, input.InstanceId));
    }

    /// <summary>Runs the tasks in the child <c>{runId}/work</c>, raced against the crew's deadline.</summary>
    static async Task<TasksOutcome> RunTasksWithDeadlineAsync(TaskOrchestrationContext context, string runId, CrewRunPlan plan)
    {
        context.SetCustomStatus(new CrewProgress { TasksTotal = plan.Tasks.Count, WorkInstance = $"{runId}/work" });
        var (timedOut, outcome) = await ChildDeadline.CallAsync<CrewWorkOutcome>(
            context, new ChildDeadlineRequest(nameof(CrewWorkOrchestrator), $"{runId}/work", new CrewWorkInput(runId, plan), InstanceTree.DescendantsOf(runId), "The crew") { Seconds = plan.MaxExecutionTime });
        return timedOut
            ? TasksOutcome.TimedOut(plan.MaxExecutionTime)
            : new TasksOutcome(outcome!.Status, outcome.Finished, outcome.Error, null);
    }
}
