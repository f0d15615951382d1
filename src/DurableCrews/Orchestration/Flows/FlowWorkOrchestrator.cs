using DurableCrews.Orchestration.Crews;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration.Flows;

/// <summary>A flow's steps as the child <c>{runId}/work</c> of its run, so that the run can end them at its deadline.</summary>
public sealed class FlowWorkOrchestrator : TaskOrchestrator<CrewRunInput, CrewWorkOutcome>
{
    /// <inheritdoc />
    public override async Task<CrewWorkOutcome> RunAsync(TaskOrchestrationContext context, CrewRunInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var plan = await context.CallActivityAsync<FlowPlan>(nameof(StartFlowActivity), input.RunId, CrewOrchestrator.StoreOnlyRetry);
        return await FlowOrchestrator.RunAnyAsync(context, input.RunId, plan);
    }
}
