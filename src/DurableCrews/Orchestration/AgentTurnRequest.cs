namespace DurableCrews.Orchestration;

/// <summary>The input of <see cref="AgentTurnActivity"/>: one model turn of one agent's work.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Key">The work's key.</param>
/// <param name="Turn">The turn's number in the work, from 0; a turn already taken is answered from the store.</param>
/// <param name="Mode">What the turn is for.</param>
/// <param name="Feedback">A revision request (from a guardrail or a person) given to the agent before it answers.</param>
/// <param name="FailedDelegations">Delegations that failed, by key, with the reason the agent is told.</param>
/// <param name="FailedTools">Tool calls of the previous turn that failed or timed out, by index, with the reason the agent is told.</param>
/// <param name="RateScopes">The request limits the model call counts against (<c>max_rpm</c>); its slot is taken as it is sent.</param>
/// <param name="RateLimitWindowSeconds">The window the limits count in.</param>
/// <param name="Begin">For a folded work's first turn: begin the work first (as <see cref="BeginAgentWorkActivity"/> does) and return its start.</param>
/// <param name="Finish">When the turn answers and the work has no guardrail or human review: finish the work (as <see cref="FinishAgentWorkActivity"/> does) and return its summary.</param>
/// <param name="RunETag">The ETag of the run's stored request, when the run's plan gave it.</param>
/// <param name="Complete">For the run's last task: when the turn finishes it, complete the run too (as <see cref="CompleteRunActivity"/> does) and return its summary.</param>
public sealed record AgentTurnRequest(
    string RunId,
    string Key,
    int Turn,
    AgentTurnMode Mode,
    string? Feedback = null,
    IReadOnlyDictionary<string, string>? FailedDelegations = null,
    IReadOnlyList<RateScope>? RateScopes = null,
    int RateLimitWindowSeconds = 60,
    IReadOnlyDictionary<string, string>? FailedTools = null,
    AgentWorkInput? Begin = null,
    FinishAgentWorkRequest? Finish = null,
    string? RunETag = null,
    CompleteRunRequest? Complete = null);
