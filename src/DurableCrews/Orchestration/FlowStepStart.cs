namespace DurableCrews.Orchestration;

/// <summary>What <see cref="BeginFlowStepActivity"/> prepared: the crew runs to start, or what to ask a person.</summary>
/// <param name="RunIds">The stored crew runs, one per item of a <c>for_each</c> (none for an empty list or human feedback).</param>
/// <param name="Message">The filled message of a human feedback step.</param>
public sealed record FlowStepStart(IReadOnlyList<string> RunIds, string? Message = null);
