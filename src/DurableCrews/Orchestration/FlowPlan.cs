namespace DurableCrews.Orchestration;

/// <summary>What the flow orchestrator needs to schedule a flow: step names and dependencies, no texts.</summary>
/// <param name="Flow">The flow's name.</param>
/// <param name="Steps">The steps in definition order.</param>
/// <param name="MaxExecutionTime">The flow's limit, in seconds; null for none.</param>
/// <param name="PublishResults">Whether the flow's end goes to <c>crew-results</c>.</param>
public sealed record FlowPlan(string Flow, IReadOnlyList<FlowPlannedStep> Steps, int? MaxExecutionTime, bool PublishResults = false);
