using DurableCrews.Orchestration.Crews;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration.Flows;

/// <summary>
/// Where a flow step's crew run runs. From <see cref="OrchestrationVersions.InlineStepCrews"/> on, the one run of a step
/// that is not a <c>for_each</c> runs its tasks in the flow's own orchestration when its plan came with it and nothing
/// of it needs an instance of its own (no task waiting for a person or bounded by its agent's time limit, no crew
/// deadline, no planner turn): a loop's iteration then saves the sub-orchestration's start and completion, each a
/// control-queue round trip and an episode of each instance. Otherwise, and in flows of older versions, it is the
/// sub-orchestration <c>{runId}</c> of <see cref="CrewOrchestrator"/>. Either way the run stores the same records and
/// result under its own run id; a <c>for_each</c> item keeps its own instance. From
/// <see cref="OrchestrationVersions.StepFinishedWithRun"/> on, an inline run given its step's finish completes with it.
/// </summary>
internal static class StepCrewRun
{
    /// <summary>Starts the crew run <paramref name="input"/> of a step.</summary>
    /// <param name="context">The flow's orchestration.</param>
    /// <param name="input">The run, with its plan when the step's begin made it.</param>
    /// <param name="item">Whether the run is an item of a <c>for_each</c>.</param>
    /// <param name="finishStep">The step's finish, for its completion to do when the run runs inline (the summary's <see cref="CrewRunSummary.StepEnd"/>).</param>
    /// <returns>The run's summary; a failed inline run throws <see cref="CrewRunFailedException"/>, a failed sub-orchestration <see cref="TaskFailedException"/>.</returns>
    public static Task<CrewRunSummary> StartAsync(TaskOrchestrationContext context, CrewRunInput input, bool item, FlowStepOrder? finishStep = null) =>
        !item && input.Plan is { } plan && OrchestrationVersions.RunsStepCrewsInline(context.Version) && RunsInline(plan)
            ? CrewOrchestrator.RunPlannedAsync(context, input.RunId, plan, new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero), IgnoreProgress, finishStep)
            : context.CallSubOrchestratorAsync<CrewRunSummary>(nameof(CrewOrchestrator), input, OrchestrationVersions.Child(context, input.RunId));

    /// <summary>Whether nothing of the run needs an instance of its own: what waits for a person or a deadline does.</summary>
    static bool RunsInline(CrewRunPlan plan) => plan.MaxExecutionTime is null && !plan.Planning && plan.Tasks.All(t => t.Inline);

    // The flow's own status shows the step running; the crew run's task-level progress has no instance to show it.
    static void IgnoreProgress(CrewProgress progress)
    {
    }
}
