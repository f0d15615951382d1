namespace DurableCrews.Orchestration.AgentWork;

/// <summary>How a turn starts once its work is begun (when the turn was asked to begin it).</summary>
/// <param name="Request">The turn, paced by what its work's beginning said.</param>
/// <param name="Start">What the beginning told the orchestrator; null when the turn did not begin its work.</param>
/// <param name="Early">The turn's outcome when it ends before the model is asked: the work was finished before, or could not begin.</param>
public sealed record TurnStart(AgentTurnRequest Request, AgentWorkStart? Start, AgentTurnOutcome? Early);
