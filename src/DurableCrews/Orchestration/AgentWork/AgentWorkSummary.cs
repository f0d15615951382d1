using DurableCrews.Runs;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>What one agent's finished work tells the orchestrator: where its result is and what it cost.</summary>
/// <param name="Key">The work's key.</param>
/// <param name="TaskIndex">The crew task it belongs to.</param>
/// <param name="Agent">The role of the agent that did it.</param>
/// <param name="OutputBlob">For a crew task, its output's blob name.</param>
/// <param name="TokenUsage">Tokens spent, its delegations' included.</param>
public sealed record AgentWorkSummary(string Key, int TaskIndex, string Agent, string? OutputBlob, TokenUsage TokenUsage);
