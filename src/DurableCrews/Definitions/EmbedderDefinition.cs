namespace DurableCrews.Definitions;

/// <summary>The crew's <c>embedder</c> block: <c>{ provider, config: { model, dimensions, chunk_size } }</c>.</summary>
public sealed record EmbedderDefinition
{
    /// <summary>The embedding provider (<c>offline</c>, <c>azure-openai</c>, <c>openai-compatible</c>; <c>openai</c> is read as the default provider).</summary>
    public required string Provider { get; init; }

    /// <summary>The embedding model or deployment (<c>text-embedding-3-small</c>).</summary>
    public string? Model { get; init; }

    /// <summary>The vector length asked of the model; null for the model's own.</summary>
    public int? Dimensions { get; init; }

    /// <summary>The most characters in one memory chunk.</summary>
    public int? ChunkSize { get; init; }

    /// <summary>Whether <paramref name="provider"/> names an embedder provider: one of the model providers (or an alias of one), or <c>openai</c> for the configured default.</summary>
    public static bool IsKnownProvider(string provider) =>
        provider.Equals("openai", StringComparison.OrdinalIgnoreCase)
        || (Models.ModelReference.TryParse(provider + "/x", out var reference, out _) && reference.Provider is not null);
}
