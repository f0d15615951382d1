namespace DurableCrews.Definitions;

/// <summary>The crew's <c>embedder</c> block: <c>{ provider, config: { model, dimensions, chunk_size } }</c>.</summary>
public sealed record EmbedderDefinition
{
    /// <summary>The embedding provider (<c>offline</c>, <c>openai</c>, <c>azure</c>, <c>ollama</c>, <c>gemini</c>, <c>openai-compatible</c>) or a named model endpoint.</summary>
    public required string Provider { get; init; }

    /// <summary>The embedding model or deployment (<c>text-embedding-3-small</c>).</summary>
    public string? Model { get; init; }

    /// <summary>The vector length asked of the model; null for the model's own.</summary>
    public int? Dimensions { get; init; }

    /// <summary>The most characters in one memory chunk.</summary>
    public int? ChunkSize { get; init; }

    /// <summary>Whether <paramref name="provider"/> can name an embedder: a provider or the name of a model endpoint (which the settings decide).</summary>
    public static bool IsKnownProvider(string provider) =>
        Models.ModelReference.TryParse(provider + "/x", out var reference, out _) && reference.Source is not null;
}
