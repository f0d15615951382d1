using System.Security.Cryptography;
using System.Text;
using DurableCrews.Definitions;

namespace DurableCrews.Storage;

/// <summary>
/// Which memories a set of segment blobs holds: a crew's long-term or entity memory (<c>crew-memory/{crew}/long-term/…</c>,
/// <c>crew-memory/{crew}/entities/…</c>), one run's short-term memory (<c>crew-memory/runs/{runId}/short-term/…</c>), or
/// the knowledge of a crew or of one of its agents (<c>crew-knowledge/{crew}/crew/…</c>, <c>crew-knowledge/{crew}/agents/{agent}/…</c>).
/// </summary>
public sealed record MemoryScope
{
    MemoryScope(string container, string prefix, MemoryKind kind)
    {
        Container = container;
        Prefix = prefix;
        Kind = kind;
    }

    /// <summary>The container the scope's segments are in.</summary>
    public string Container { get; }

    /// <summary>The folder of the scope's segments in <see cref="Container"/> (no trailing slash).</summary>
    public string Prefix { get; }

    /// <summary>The kind of memory the scope holds.</summary>
    public MemoryKind Kind { get; }

    /// <summary>Where the scope's records were kept as one index blob before segments; read once and migrated.</summary>
    public string LegacyBlobName => $"{Prefix}.json";

    /// <summary>A crew's long-term memory.</summary>
    public static MemoryScope LongTerm(string crew) => new(BlobNames.MemoryContainer, $"{CheckedCrew(crew)}/long-term", MemoryKind.LongTerm);

    /// <summary>A crew's entity memory.</summary>
    public static MemoryScope Entities(string crew) => new(BlobNames.MemoryContainer, $"{CheckedCrew(crew)}/entities", MemoryKind.Entity);

    /// <summary>A run's short-term memory.</summary>
    public static MemoryScope ShortTerm(string runId) =>
        DefinitionNames.IsValidRunId(runId) ? new(BlobNames.MemoryContainer, $"runs/{runId}/short-term", MemoryKind.ShortTerm) : throw new ArgumentException($"'{runId}' is not a valid run id.", nameof(runId));

    /// <summary>The knowledge of a crew (<paramref name="agent"/> null) or of one of its agents, by role.</summary>
    public static MemoryScope Knowledge(string crew, string? agent = null) =>
        new(BlobNames.KnowledgeContainer, agent is null ? $"{CheckedCrew(crew)}/crew" : $"{CheckedCrew(crew)}/agents/{Slug(agent)}", MemoryKind.Knowledge);

    /// <summary>Every knowledge scope of a crew, for listing and reset.</summary>
    public static string KnowledgePrefix(string crew) => $"{CheckedCrew(crew)}/";

    static string CheckedCrew(string crew) =>
        DefinitionNames.IsValid(crew) ? crew : throw new ArgumentException($"'{crew}' is not a valid crew name.", nameof(crew));

    /// <summary>A role as a folder name: lower-case letters, digits and dashes, with a short hash so that different roles never share one.</summary>
    static string Slug(string role)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        var text = new StringBuilder();
        foreach (char c in role.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                text.Append(c);
            }
            else if (text.Length > 0 && text[^1] != '-')
            {
                text.Append('-');
            }

            if (text.Length >= 40)
            {
                break;
            }
        }

        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(role)))[..8];
        return $"{text.ToString().Trim('-')}-{hash}";
    }
}
