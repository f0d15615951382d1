using Microsoft.DurableTask;

namespace DurableCrews.Orchestration;

/// <summary>
/// The versions of DurableCrews' orchestrations, and the one place that names the current one. A run is stamped with the
/// version it starts on and keeps it to its end, its child orchestrations included: after a deploy whose orchestrations
/// differ, a run started before it replays the steps of its own version, and only new runs take the new steps. Workers
/// run every version up to <see cref="Current"/> and leave newer ones alone (the Durable Task SDK's
/// <c>CurrentOrOlder</c> match with <c>Reject</c>), so during a rolling deploy an older worker never runs a newer run.
/// Runs recorded before versions existed carry no version and count as older than every version.
/// </summary>
public static class OrchestrationVersions
{
    /// <summary>
    /// Agent work finished by an activity of its own (and, in an orchestration of its own, begun by one), and the run
    /// completed by an activity of its own after its last task.
    /// </summary>
    public const string SeparateBeginAndFinish = "1";

    /// <summary>Agent work folded into its turns: the first turn's activity begins it and the last one's finishes it (and the run, after its last task).</summary>
    public const string FoldedWork = "2";

    /// <summary>As <see cref="FoldedWork"/>, and a flow step's finish begins the steps listening to it (a loop's next iteration among them).</summary>
    public const string FoldedFlowSteps = "3";

    /// <summary>
    /// As <see cref="FoldedFlowSteps"/>, and a flow step's one crew run (not a <c>for_each</c> item) runs its tasks in the
    /// flow's orchestration, when none of them needs an instance of its own, instead of as a sub-orchestration.
    /// </summary>
    public const string InlineStepCrews = "4";

    /// <summary>
    /// As <see cref="InlineStepCrews"/>, and when such a run is the only step of the flow running, the activity that
    /// completes it (its last task's turn) finishes the step too, so a loop's iteration is its crew run's activities alone.
    /// </summary>
    public const string StepFinishedWithRun = "5";

    /// <summary>
    /// As <see cref="StepFinishedWithRun"/>, and the items of a crew's <c>for_each</c> task whose work needs no instance of
    /// its own (no person reviewing it, no agent time limit) run in the run's orchestration, each its own work (its key,
    /// record, turns and retries), as such a task does, instead of each as a sub-orchestration.
    /// </summary>
    public const string InlineItems = "6";

    /// <summary>The version new runs start on, and the newest this build runs. host.json's <c>defaultVersion</c> names it too.</summary>
    public const string Current = InlineItems;

    /// <summary>Every version this build runs, oldest first.</summary>
    public static IReadOnlyList<string> All => InOrder;

    static readonly string[] InOrder = [SeparateBeginAndFinish, FoldedWork, FoldedFlowSteps, InlineStepCrews, StepFinishedWithRun, InlineItems];

    /// <summary>Whether agent work started by an orchestration of <paramref name="version"/> is folded into its turns.</summary>
    public static bool FoldsWork(string? version) => version != SeparateBeginAndFinish;

    /// <summary>Whether a flow of <paramref name="version"/> begins its listening steps in the finish of the step they listen to (flows came after versions, so an unversioned flow does not).</summary>
    public static bool FoldsFlowSteps(string? version) => AtLeast(version, FoldedFlowSteps);

    /// <summary>Whether a flow of <paramref name="version"/> runs a step's one crew run in its own orchestration when it can.</summary>
    public static bool RunsStepCrewsInline(string? version) => AtLeast(version, InlineStepCrews);

    /// <summary>Whether a flow of <paramref name="version"/> has the completion of a step's inline crew run finish the step, when it runs alone.</summary>
    public static bool FinishesStepsWithRuns(string? version) => AtLeast(version, StepFinishedWithRun);

    /// <summary>Whether a crew run of <paramref name="version"/> runs the items of a <c>for_each</c> task in its own orchestration when the task needs no instance of its own.</summary>
    public static bool RunsItemsInline(string? version) => AtLeast(version, InlineItems);

    /// <summary>The options of a child orchestration <paramref name="instanceId"/>, which keeps the version of the run that starts it.</summary>
    public static SubOrchestrationOptions Child(TaskOrchestrationContext context, string instanceId)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new SubOrchestrationOptions { InstanceId = instanceId, Version = context.Version };
    }

    /// <summary>Whether <paramref name="version"/> is <paramref name="first"/> or a later one, in the order of <see cref="All"/> (an unversioned run is older than all).</summary>
    static bool AtLeast(string? version, string first) => version is { Length: > 0 } && Array.IndexOf(InOrder, version) >= Array.IndexOf(InOrder, first);
}
