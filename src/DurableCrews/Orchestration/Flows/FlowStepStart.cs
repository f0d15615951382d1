using DurableCrews.Orchestration.Crews;

namespace DurableCrews.Orchestration.Flows;

/// <summary>What <see cref="BeginFlowStepActivity"/> prepared: the crew runs to start, or what to ask a person.</summary>
/// <param name="RunIds">The stored crew runs, one per item of a <c>for_each</c> (none for an empty list or human feedback).</param>
/// <param name="Message">The filled message of a human feedback step.</param>
public sealed record FlowStepStart(IReadOnlyList<string> RunIds, string? Message = null)
{
    /// <summary>
    /// The plans of <see cref="RunIds"/>, in the same order, each null where the run was stored before; null for none.
    /// A run given its plan starts on its first task instead of reading its request back.
    /// </summary>
    public IReadOnlyList<CrewRunPlan?>? Plans { get; init; }
}
