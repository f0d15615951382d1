using DurableCrews.Runs;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration;

/// <summary>
/// One crew kickoff (instance id = run id): plan the run, run its tasks in order (async tasks alongside the
/// tasks that follow them), then gather the result. Payloads are ids and blob names; texts stay in blobs.
/// A task that fails after its retries fails the run, keeping the outputs of the tasks that finished.
/// </summary>
public sealed class CrewOrchestrator : TaskOrchestrator<CrewRunInput, CrewRunSummary>
{
    /// <summary>Retries for the activities that only read and write blobs (storage hiccups).</summary>
    internal static readonly TaskOptions StorageRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromSeconds(1), backoffCoefficient: 2));

    /// <inheritdoc />
    public override async Task<CrewRunSummary> RunAsync(TaskOrchestrationContext context, CrewRunInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var startedAt = new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero);
        var plan = await context.CallActivityAsync<CrewRunPlan>(nameof(StartRunActivity), input.RunId, StorageRetry);
        var tasks = new TaskSequence(context, input.RunId, plan);
        try
        {
            await tasks.RunAsync();
        }
        catch (TaskFailedException failure)
        {
            string reason = $"Task '{tasks.FailedTask ?? "?"}' failed: {failure.FailureDetails.ErrorMessage}";
            await CompleteAsync(context, new CompleteRunRequest(input.RunId, CrewRunStatus.Failed, startedAt, tasks.Finished, reason));
            throw new CrewRunFailedException(reason);
        }

        return await CompleteAsync(context, new CompleteRunRequest(input.RunId, CrewRunStatus.Completed, startedAt, tasks.Finished));
    }

    static Task<CrewRunSummary> CompleteAsync(TaskOrchestrationContext context, CompleteRunRequest request) =>
        context.CallActivityAsync<CrewRunSummary>(nameof(CompleteRunActivity), request, StorageRetry);
}
