using DurableCrews.Orchestration.Crews;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration.AgentWork.Legacy;

/// <summary>
/// Replays agent work recorded before work was folded into its turns: a work whose recorded input has
/// <see cref="AgentWorkInput.Folded"/> false, started by a run of version <see cref="OrchestrationVersions.SeparateBeginAndFinish"/>
/// or by a run recorded before versions and before folded work. It makes the activity calls those works made, in their
/// order, and only those. Frozen: never extended; delete it once no such instance is running.
/// </summary>
internal static class LegacyAgentWork
{
    /// <summary>Whether <paramref name="input"/> was recorded for a work that is not folded into its turns, which replays here.</summary>
    public static bool Replays(AgentWorkInput input) => !input.Folded;

    /// <summary>A work in its own orchestration: begin, turns and finish each an activity.</summary>
    public static async Task<AgentWorkSummary> ReplayAsync(TaskOrchestrationContext context, AgentWorkInput input)
    {
        var start = await context.CallActivityAsync<AgentWorkStart>(nameof(BeginAgentWorkActivity), input, CrewOrchestrator.StoreOnlyRetry);
        return start.Finished ?? await new AgentLoop(context, input, context.SetCustomStatus) { Begun = start, FinishesInTurn = false }.RunAsync();
    }

    /// <summary>
    /// A task's work run inline in its run's orchestration: the first turn begins it, the finish activity finishes it,
    /// and no turn completes the run (its completion activity does).
    /// </summary>
    public static AgentLoop Inline(TaskOrchestrationContext context, AgentWorkInput input, Action<AgentWorkProgress> report) =>
        new(context, input, report) { FinishesInTurn = false };
}
