using DurableCrews.Orchestration.RateLimiting;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>What the orchestrator needs to drive one agent's work: its limits, checks and pacing. No texts.</summary>
public sealed record AgentWorkStart
{
    /// <summary>The role of the agent doing the work.</summary>
    public required string Agent { get; init; }

    /// <summary>The most model turns before a final answer is forced.</summary>
    public int MaxIter { get; init; } = 20;

    /// <summary>How many times a 429 or 5xx from the model is retried.</summary>
    public int MaxRetryLimit { get; init; } = 2;

    /// <summary>The request limits this work's model calls count against, crew-wide and the agent's own.</summary>
    public IReadOnlyList<RateScope> RateScopes { get; init; } = [];

    /// <summary>The window the limits count in, in seconds.</summary>
    public int RateLimitWindowSeconds { get; init; } = ExecutionOptions.DefaultRateLimitWindowSeconds;

    /// <summary>The first retry wait without a Retry-After, in seconds.</summary>
    public double RetryDelaySeconds { get; init; } = 2;

    /// <summary>The longest retry wait, in seconds.</summary>
    public double MaxRetryDelaySeconds { get; init; } = 300;

    /// <summary>Whether the answer is checked against the task's guardrail.</summary>
    public bool Guardrail { get; init; }

    /// <summary>How many times the agent may revise after the guardrail rejects its answer.</summary>
    public int GuardrailMaxRetries { get; init; } = 3;

    /// <summary>Whether a person reviews the answer before the task completes.</summary>
    public bool HumanInput { get; init; }

    /// <summary>How long to wait for that person, in seconds.</summary>
    public int HumanInputTimeoutSeconds { get; init; } = 86_400;

    /// <summary>Set when the work had already finished (a replayed run, a redelivered start): its summary.</summary>
    public AgentWorkSummary? Finished { get; init; }
}
