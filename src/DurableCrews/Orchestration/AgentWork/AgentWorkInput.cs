using System.Text.Json.Serialization;
using DurableCrews.Orchestration.Crews;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>The input of one agent's work (<see cref="AgentWorkOrchestrator"/>): a crew task, or a delegation from another work.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Key">The work's key: its instance id after <c>{runId}/</c>.</param>
/// <param name="TaskIndex">The crew task the work belongs to.</param>
/// <param name="Context">For a crew task, the indexes of the tasks whose outputs it is given.</param>
/// <param name="Depth">0 for a crew task; one more than the delegating work's for a delegation.</param>
/// <param name="ParentKey">For a delegation, the key of the work that asked for it.</param>
/// <param name="StepWebhook">Where a POST goes after each of the agent's steps, when anywhere.</param>
/// <param name="Folded">
/// Whether the work begins in its first turn's activity and finishes in its last (one activity for a one-turn task
/// instead of three). Works started by earlier versions have it false in their recorded input and replay as they ran,
/// in <see cref="Legacy.LegacyAgentWork"/>.
/// </param>
/// <param name="RunETag">The ETag of the run's stored request, when the run's plan gave it (<see cref="CrewRunPlan.RunETag"/>).</param>
/// <param name="NoEarlierOutput">
/// For a crew task's first try: no output of the task was stored before this work began (<see cref="PlannedTask.NoEarlierOutput"/>),
/// so an output can exist only once the work does. False makes its begin look for one first.
/// </param>
/// <param name="Item">For one item of a <c>for_each</c> task, its position in the list; left out of the recorded input otherwise.</param>
public sealed record AgentWorkInput(
    string RunId, string Key, int TaskIndex, IReadOnlyList<int> Context, int Depth = 0, string? ParentKey = null, Uri? StepWebhook = null, bool Folded = false, string? RunETag = null, bool NoEarlierOutput = false,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Item = null)
{
    /// <summary>The orchestration's instance id.</summary>
    public string InstanceId => $"{RunId}/{Key}";

    /// <summary>The key of a crew's planner turn (<c>planning: true</c>).</summary>
    public const string PlanningKey = "plan";

    /// <summary>Whether the work is a delegation rather than a crew task.</summary>
    public bool IsDelegation => ParentKey is not null;

    /// <summary>Whether the work is the crew's planner turn.</summary>
    public bool IsPlanning => Key == PlanningKey;
}
