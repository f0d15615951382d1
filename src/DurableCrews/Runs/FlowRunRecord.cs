using DurableCrews.Definitions;

namespace DurableCrews.Runs;

/// <summary>What a flow run was asked to do, stored as <c>crew-runs/{runId}/flow.json</c> before it starts.</summary>
public sealed record FlowRunRecord
{
    /// <summary>The flow run's id; its steps run as <c>{runId}.{step}</c>.</summary>
    public required string RunId { get; init; }

    /// <summary>The flow, with each step's crew as loaded (filled in when the step starts).</summary>
    public required FlowDefinition Flow { get; init; }

    /// <summary>The kickoff inputs.</summary>
    public IReadOnlyDictionary<string, string> Inputs { get; init; } = new Dictionary<string, string>();

    /// <summary>When the run was accepted.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Whether a snapshot is stored before each run of a step (<see cref="Orchestration.Flows.FlowSnapshots"/>), so that the run can be replayed from a step; false for runs recorded before snapshots were.</summary>
    public bool TakesSnapshots { get; init; }

    /// <summary>
    /// For a replay from a step: the snapshot of the run replayed (its <c>RunId</c>) taken right before that step's run,
    /// naming the replay's own copies of the step runs it keeps; for a flow of crews with <c>depends_on</c> only, which
    /// takes no snapshots, the steps it keeps. Null for a run from the start.
    /// </summary>
    public Orchestration.Flows.FlowStepOrder? ReplayFrom { get; init; }

    /// <summary>The run id of one step.</summary>
    public string StepRunId(string step) => $"{RunId}.{step}";
}
