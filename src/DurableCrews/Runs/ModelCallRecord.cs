namespace DurableCrews.Runs;

/// <summary>One model turn of an agent, kept for the run's trace and report: when, which model, tokens, cache.</summary>
public sealed record ModelCallRecord
{
    /// <summary>The turn, from 0.</summary>
    public int Turn { get; init; }

    /// <summary>The model, as resolved.</summary>
    public string? Model { get; init; }

    /// <summary>When the request was sent.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When the answer came.</summary>
    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>Prompt tokens.</summary>
    public long InputTokens { get; init; }

    /// <summary>Completion tokens.</summary>
    public long OutputTokens { get; init; }

    /// <summary>Whether the answer came from the response cache.</summary>
    public bool CacheHit { get; init; }

    /// <summary>What the turn came to: <c>answer</c>, <c>tool_calls</c>, <c>guardrail</c> or <c>fix_json</c> (the turn that asked to fix an answer's JSON).</summary>
    public string? Outcome { get; init; }

    /// <summary>The live <c>gen_ai</c> span of the call (W3C trace-parent form), linked from the run's trace.</summary>
    public string? SpanContext { get; init; }
}
