namespace DurableCrews.Orchestration.Flows;

/// <summary>A run of a step that <see cref="FinishFlowStepActivity"/> began as the step before it finished, so that it starts without an activity of its own.</summary>
/// <param name="Step">The step its finish fired.</param>
/// <param name="Iteration">Which run of the step it is, from 1.</param>
/// <param name="Start">What <see cref="BeginFlowStepActivity"/> would have answered for it.</param>
public sealed record FlowStepBegun(string Step, int Iteration, FlowStepStart Start);
