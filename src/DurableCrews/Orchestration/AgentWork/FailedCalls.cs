namespace DurableCrews.Orchestration.AgentWork;

/// <summary>The calls of a turn that failed, with the reason the agent is told; null where none failed.</summary>
/// <param name="Delegations">Failed delegations, by key.</param>
/// <param name="Tools">Failed tool calls, by index.</param>
internal sealed record FailedCalls(IReadOnlyDictionary<string, string>? Delegations, IReadOnlyDictionary<string, string>? Tools);
