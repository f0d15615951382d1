using DurableCrews.Definitions;

namespace DurableCrews.Models;

/// <summary>Turns a crew's <c>embedder</c> block into an embedding generator.</summary>
public interface IEmbedderProvider
{
    /// <summary>The embedder for a crew; null <paramref name="embedder"/> means the configured default.</summary>
    /// <exception cref="ModelConfigurationException">The provider it resolves to is not configured.</exception>
    ResolvedEmbedder Resolve(EmbedderDefinition? embedder);

    /// <summary>Why <paramref name="embedder"/> cannot be reached with these settings (naming the setting to add), or null when it can.</summary>
    string? Problem(EmbedderDefinition embedder);
}
