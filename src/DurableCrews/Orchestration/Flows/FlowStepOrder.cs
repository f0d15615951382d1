using System.Text.Json.Nodes;

namespace DurableCrews.Orchestration.Flows;

/// <summary>
/// The input of <see cref="BeginFlowStepActivity"/> and <see cref="FinishFlowStepActivity"/>: a step's run and the flow
/// as it stands. The order of a run's begin is also its snapshot (<see cref="FlowSnapshots"/>), from which a replay
/// starts; its size is bounded as the flow's is: the state by <see cref="Definitions.FlowDefinition.MaxStateBytes"/>,
/// one record per step (at most <see cref="Definitions.FlowDefinition.MaxSteps"/>), each listing its crew runs by id.
/// </summary>
public sealed record FlowStepOrder
{
    /// <summary>The flow run.</summary>
    public required string RunId { get; init; }

    /// <summary>The step.</summary>
    public required string Step { get; init; }

    /// <summary>Which run of the step, from 1.</summary>
    public int Iteration { get; init; } = 1;

    /// <summary>The flow's state now.</summary>
    public required JsonObject State { get; init; }

    /// <summary>The last finished run of each step so far.</summary>
    public IReadOnlyDictionary<string, FlowStepRecord> Steps { get; init; } = new Dictionary<string, FlowStepRecord>();

    /// <summary>How many times each step has started.</summary>
    public IReadOnlyDictionary<string, int> Iterations { get; init; } = new Dictionary<string, int>();

    /// <summary>For <see cref="FinishFlowStepActivity"/>: the run of the step that finished.</summary>
    public FlowStepRecord? Finished { get; init; }

    /// <summary>
    /// For <see cref="FinishFlowStepActivity"/>: whether it also begins the runs of the steps that listen to what the
    /// finished step fired (orchestrations of <see cref="OrchestrationVersions.FoldedFlowSteps"/> and later).
    /// </summary>
    public bool BeginsNext { get; init; }

    /// <summary>For <see cref="FinishFlowStepActivity"/>: the steps running now, which start again only once they finish, so are not begun.</summary>
    public IReadOnlyList<string> Running { get; init; } = [];
}
