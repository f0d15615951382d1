namespace DurableCrews.Storage;

/// <summary>The containers DurableCrews writes to, and the check every blob name passes before use.</summary>
public static class BlobNames
{
    /// <summary>Run requests, task outputs, transcripts and results: <c>crew-runs/{runId}/…</c>.</summary>
    public const string RunsContainer = "crew-runs";

    /// <summary>Long-term, entity and short-term memory.</summary>
    public const string MemoryContainer = "crew-memory";

    /// <summary>The embedded chunks of crews' knowledge sources: <c>crew-knowledge/{crew}/…</c>.</summary>
    public const string KnowledgeContainer = "crew-knowledge";

    /// <summary>Cached model and tool results.</summary>
    public const string CacheContainer = "crew-cache";

    /// <summary>Crew definitions uploaded at run time.</summary>
    public const string CrewsContainer = "crews";

    /// <summary>Kickoff messages too large to carry whole on the poison queue.</summary>
    public const string PoisonContainer = "crew-poison";

    /// <summary>Every container, for creating them ahead of use.</summary>
    public static IReadOnlyList<string> Containers { get; } = [RunsContainer, MemoryContainer, KnowledgeContainer, CacheContainer, CrewsContainer, PoisonContainer];

    /// <summary>Throws when a container or blob name could escape its place (empty, rooted, '..', backslashes).</summary>
    public static void Check(string container, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(container);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!Containers.Contains(container) && !container.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            throw new ArgumentException($"'{container}' is not a valid container name.", nameof(container));
        }

        if (name.StartsWith('/') || name.Contains('\\', StringComparison.Ordinal) || name.Split('/').Any(part => part is "" or "." or ".."))
        {
            throw new ArgumentException($"'{name}' is not a valid blob name.", nameof(name));
        }
    }
}
