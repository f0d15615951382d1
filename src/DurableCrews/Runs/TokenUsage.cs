namespace DurableCrews.Runs;

/// <summary>Tokens and requests spent, as CrewAI's <c>UsageMetrics</c> counts them.</summary>
public sealed record TokenUsage
{
    /// <summary>No usage.</summary>
    public static TokenUsage Zero { get; } = new();

    /// <summary>Tokens sent to the model.</summary>
    public long PromptTokens { get; init; }

    /// <summary>Tokens the model produced.</summary>
    public long CompletionTokens { get; init; }

    /// <summary>
    /// Of <see cref="PromptTokens"/>, those the provider read from its prompt cache (OpenAI's
    /// <c>usage.prompt_tokens_details.cached_tokens</c>), as CrewAI's <c>cached_prompt_tokens</c>; 0 when it says none.
    /// </summary>
    public long CachedPromptTokens { get; init; }

    /// <summary>Prompt and completion tokens together.</summary>
    public long TotalTokens { get; init; }

    /// <summary>Model requests that succeeded.</summary>
    public int SuccessfulRequests { get; init; }

    /// <summary>Model requests answered from the crew's cache (no model call).</summary>
    public int CacheHits { get; init; }

    /// <summary>Model requests the cache could not answer (the model was called).</summary>
    public int CacheMisses { get; init; }

    /// <summary>The sum of two usages.</summary>
    public TokenUsage Add(TokenUsage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new TokenUsage
        {
            PromptTokens = PromptTokens + other.PromptTokens,
            CompletionTokens = CompletionTokens + other.CompletionTokens,
            CachedPromptTokens = CachedPromptTokens + other.CachedPromptTokens,
            TotalTokens = TotalTokens + other.TotalTokens,
            SuccessfulRequests = SuccessfulRequests + other.SuccessfulRequests,
            CacheHits = CacheHits + other.CacheHits,
            CacheMisses = CacheMisses + other.CacheMisses,
        };
    }

    /// <summary>The sum of many usages.</summary>
    public static TokenUsage Sum(IEnumerable<TokenUsage> usages) => usages.Aggregate(Zero, (total, u) => total.Add(u));
}
