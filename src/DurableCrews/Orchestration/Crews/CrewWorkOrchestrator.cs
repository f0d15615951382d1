using Microsoft.DurableTask;

namespace DurableCrews.Orchestration.Crews;

/// <summary>A crew's tasks as the child <c>{runId}/work</c> of its run, so that the run can end them at its deadline.</summary>
public sealed class CrewWorkOrchestrator : TaskOrchestrator<CrewWorkInput, CrewWorkOutcome>
{
    /// <inheritdoc />
    public override async Task<CrewWorkOutcome> RunAsync(TaskOrchestrationContext context, CrewWorkInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var (status, finished, error, _) = await CrewOrchestrator.RunTasksAsync(context, input.RunId, input.Plan);
        return new CrewWorkOutcome(status, finished, error);
    }
}
