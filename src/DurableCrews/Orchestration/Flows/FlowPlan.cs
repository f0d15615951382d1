using System.Text.Json.Serialization;

namespace DurableCrews.Orchestration.Flows;

/// <summary>What the flow orchestrator needs to schedule a flow: step names and dependencies, no texts.</summary>
/// <param name="Flow">The flow's name.</param>
/// <param name="Steps">The steps in definition order.</param>
/// <param name="MaxExecutionTime">The flow's limit, in seconds; null for none.</param>
/// <param name="PublishResults">Whether the flow's end goes to <c>crew-results</c>.</param>
public sealed record FlowPlan(string Flow, IReadOnlyList<FlowPlannedStep> Steps, int? MaxExecutionTime, bool PublishResults = false)
{
    /// <summary>
    /// For a CrewAI-style flow (state, routing, loops), what runs when; null for a flow of crews with
    /// <c>depends_on</c> only, which runs as flows always have (and as plans recorded before this existed read).
    /// </summary>
    public FlowGraph? Graph { get; init; }

    /// <summary>
    /// For a replay of a flow of crews with <c>depends_on</c> only: the steps whose results it keeps (copied into it
    /// when it started), which count as finished and do not run; null otherwise, and then not written, so that a run
    /// from the start records the plan as runs always have.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Kept { get; init; }
}
