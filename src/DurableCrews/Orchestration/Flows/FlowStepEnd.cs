using System.Text.Json.Nodes;

namespace DurableCrews.Orchestration.Flows;

/// <summary>What <see cref="FinishFlowStepActivity"/> decided: the state after the step's <c>set</c>, and the labels it emits.</summary>
/// <param name="State">The flow's state now.</param>
/// <param name="Labels">The labels emitted: a person's outcome and the router's choice, in that order.</param>
public sealed record FlowStepEnd(JsonObject State, IReadOnlyList<string> Labels)
{
    /// <summary>The runs of listening steps it began on the new state, when the order asked for them; a step not among them begins by its own activity.</summary>
    public IReadOnlyList<FlowStepBegun> Begun { get; init; } = [];
}
