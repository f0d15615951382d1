using System.Text.Json.Nodes;

namespace DurableCrews.Orchestration.Flows;

/// <summary>What the flow orchestrator needs to run a CrewAI-style flow: when each step starts and how often, no texts.</summary>
public sealed record FlowGraph
{
    /// <summary>The steps in definition order.</summary>
    public required IReadOnlyList<FlowGraphStep> Steps { get; init; }

    /// <summary>The state the flow starts with: the flow's initial values with the kickoff inputs merged in.</summary>
    public required JsonObject State { get; init; }

    /// <summary>For a replay from a step, where it starts (<see cref="State"/> is then the state right before that step); null for a run from the start.</summary>
    public FlowGraphResume? Resume { get; init; }
}
