using DurableCrews.Orchestration.Crews;
using DurableCrews.Runs;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>What a model's calls came to.</summary>
/// <param name="Work">The work with the results owed to the agent pending.</param>
/// <param name="Delegations">The children to start before the agent's next turn.</param>
/// <param name="ToolCalls">The tool calls to run before the agent's next turn.</param>
/// <param name="CacheUse">The crew cache's hits and misses of the delegations.</param>
public sealed record CallPlan(AgentWorkState Work, IReadOnlyList<DelegationOrder> Delegations, IReadOnlyList<ToolCallOrder> ToolCalls, TokenUsage CacheUse);
