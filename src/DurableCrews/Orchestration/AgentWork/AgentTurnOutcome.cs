using DurableCrews.Orchestration.Crews;
using DurableCrews.Runs;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>What one model turn came to.</summary>
public sealed record AgentTurnOutcome
{
    /// <summary>The agent answered (or, for a guardrail turn, the check gave its verdict).</summary>
    public bool Answered { get; init; }

    /// <summary>Why the answer is not the JSON the task's <c>output_json</c> asks for, when a turn to fix it is owed; null otherwise.</summary>
    public string? JsonError { get; init; }

    /// <summary>The delegations to start before the agent's next turn; empty when none.</summary>
    public IReadOnlyList<DelegationOrder> Delegations { get; init; } = [];

    /// <summary>The tool calls to run before the agent's next turn; empty when none.</summary>
    public IReadOnlyList<ToolCallOrder> ToolCalls { get; init; } = [];

    /// <summary>The model answered 429 or 5xx: worth trying again.</summary>
    public bool Throttled { get; init; }

    /// <summary>How long the service asked to wait before trying again, in seconds.</summary>
    public double? RetryAfterSeconds { get; init; }

    /// <summary>No request slot was free under <c>max_rpm</c>: nothing was sent, and a slot frees at this time (UTC).</summary>
    public DateTime? RateLimitedUntil { get; init; }

    /// <summary>What went wrong, without secrets.</summary>
    public string? Error { get; init; }

    /// <summary>For a guardrail turn: whether the answer passed.</summary>
    public bool Passed { get; init; }

    /// <summary>For a guardrail turn that failed: why.</summary>
    public string? Reason { get; init; }

    /// <summary>Tokens the turn spent.</summary>
    public TokenUsage TokenUsage { get; init; } = TokenUsage.Zero;

    /// <summary>For a turn that began the work: what the orchestrator needs to drive it (or, in <see cref="AgentWorkStart.Finished"/>, that it was done).</summary>
    public AgentWorkStart? Start { get; init; }

    /// <summary>For a turn that finished the work: where its result is.</summary>
    public AgentWorkSummary? Summary { get; init; }

    /// <summary>For a turn that finished the run's last task and was asked to: the completed run.</summary>
    public CrewRunSummary? Run { get; init; }
}
