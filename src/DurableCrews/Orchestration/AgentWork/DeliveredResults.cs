using DurableCrews.Runs;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>What handing an agent its owed tool results came to.</summary>
/// <param name="Work">The work with the results recorded and nothing pending.</param>
/// <param name="Answer">The result of a <c>result_as_answer</c> tool, which is the agent's answer; null when none answered.</param>
public sealed record DeliveredResults(AgentWorkState Work, string? Answer);
