namespace DurableCrews.Orchestration.Flows;

/// <summary>The input of <see cref="StartFlowStepActivity"/>.</summary>
/// <param name="RunId">The flow run.</param>
/// <param name="Step">The step to start.</param>
public sealed record FlowStepRequest(string RunId, string Step);
