using DurableCrews.Definitions;

namespace DurableCrews.Storage;

/// <summary>
/// Which memories one index blob holds: a crew's long-term or entity memory
/// (<c>crew-memory/{crew}/long-term.json</c>, <c>crew-memory/{crew}/entities.json</c>) or one run's short-term
/// memory (<c>crew-memory/runs/{runId}/short-term.json</c>).
/// </summary>
public sealed record MemoryScope
{
    MemoryScope(string blobName, MemoryKind kind)
    {
        BlobName = blobName;
        Kind = kind;
    }

    /// <summary>The index blob's name in the <c>crew-memory</c> container.</summary>
    public string BlobName { get; }

    /// <summary>The kind of memory the scope holds.</summary>
    public MemoryKind Kind { get; }

    /// <summary>A crew's long-term memory.</summary>
    public static MemoryScope LongTerm(string crew) => new($"{CheckedCrew(crew)}/long-term.json", MemoryKind.LongTerm);

    /// <summary>A crew's entity memory.</summary>
    public static MemoryScope Entities(string crew) => new($"{CheckedCrew(crew)}/entities.json", MemoryKind.Entity);

    /// <summary>A run's short-term memory.</summary>
    public static MemoryScope ShortTerm(string runId) =>
        DefinitionNames.IsValidRunId(runId) ? new($"runs/{runId}/short-term.json", MemoryKind.ShortTerm) : throw new ArgumentException($"'{runId}' is not a valid run id.", nameof(runId));

    static string CheckedCrew(string crew) =>
        DefinitionNames.IsValid(crew) ? crew : throw new ArgumentException($"'{crew}' is not a valid crew name.", nameof(crew));
}
