using System.Text.Json.Serialization;
using DurableCrews.Models;
using DurableCrews.Orchestration.RateLimiting;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>The input of <see cref="AgentTurnActivity"/>: one model turn of one agent's work.</summary>
/// <remarks>Recorded in orchestration histories: the property names stay as they are, so that recorded turns replay.</remarks>
/// <param name="RunId">The run.</param>
/// <param name="Key">The work's key.</param>
/// <param name="Turn">The turn's number in the work, from 0; a turn already taken is answered from the store.</param>
/// <param name="Mode">What the turn is for.</param>
public sealed record AgentTurnRequest(string RunId, string Key, int Turn, AgentTurnMode Mode)
{
    /// <summary>A revision request (from a guardrail or a person) given to the agent before it answers.</summary>
    public string? Feedback { get; init; }

    /// <summary>Delegations that failed, by key, with the reason the agent is told.</summary>
    public IReadOnlyDictionary<string, string>? FailedDelegations { get; init; }

    /// <summary>The request limits the model call counts against (<c>max_rpm</c>); its slot is taken as it is sent.</summary>
    public IReadOnlyList<RateScope>? RateScopes { get; init; }

    /// <summary>The window the limits count in, in seconds.</summary>
    public int RateLimitWindowSeconds { get; init; } = ExecutionOptions.DefaultRateLimitWindowSeconds;

    /// <summary>Tool calls of the previous turn that failed or timed out, by index, with the reason the agent is told.</summary>
    public IReadOnlyDictionary<string, string>? FailedTools { get; init; }

    /// <summary>For a folded work's first turn: begin the work first (as <see cref="BeginAgentWorkActivity"/> does) and return its start.</summary>
    public AgentWorkInput? Begin { get; init; }

    /// <summary>When the turn answers and the work has no guardrail or human review: finish the work (as <see cref="FinishAgentWorkActivity"/> does) and return its summary.</summary>
    public FinishAgentWorkRequest? Finish { get; init; }

    /// <summary>The ETag of the run's stored request, when the run's plan gave it.</summary>
    public string? RunETag { get; init; }

    /// <summary>For the run's last task: when the turn finishes it, complete the run too (as <see cref="CompleteRunActivity"/> does) and return its summary.</summary>
    public CompleteRunRequest? Complete { get; init; }

    /// <summary>The limits as the model pipeline takes them; null when the work has none.</summary>
    [JsonIgnore]
    public RequestQuota? Quota => RateScopes is { Count: > 0 } scopes ? new RequestQuota(RunId, scopes, TimeSpan.FromSeconds(RateLimitWindowSeconds)) : null;

    /// <summary>The turn paced as its work's start says: its limits, and a final answer at once for an agent allowed one turn.</summary>
    public AgentTurnRequest PacedBy(AgentWorkStart start)
    {
        ArgumentNullException.ThrowIfNull(start);
        return this with
        {
            RateScopes = start.RateScopes,
            RateLimitWindowSeconds = start.RateLimitWindowSeconds,
            Mode = Mode == AgentTurnMode.Work && start.MaxIter <= 1 ? AgentTurnMode.FinalAnswer : Mode,
        };
    }
}
