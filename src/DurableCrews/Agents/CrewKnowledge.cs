using System.Security.Cryptography;
using System.Text;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Storage;
using Microsoft.Extensions.AI;

namespace DurableCrews.Agents;

/// <summary>
/// A crew's knowledge sources (CrewAI's <c>knowledge_sources</c>, crew and agent level), kept in blob storage as one
/// segment per source in <c>crew-knowledge/{crew}/…</c>, named by a hash of the source's chunks and the embedder: a
/// source is embedded again only when its content (or the embedder) changes, and segments of sources that changed or
/// went are deleted. Before each task, the chunks most similar to it are found across the crew's and the agent's sources.
/// </summary>
public sealed class CrewKnowledge
{
    /// <summary>The most chunks one source may have.</summary>
    public const int MaxChunksPerSource = 2000;

    const int EmbedBatch = 64;
    const string CrewHolder = "crew";

    readonly MemoryStore store;
    readonly IEmbedderProvider embedders;

    /// <summary>Creates the knowledge service.</summary>
    public CrewKnowledge(MemoryStore store, IEmbedderProvider embedders)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(embedders);
        this.store = store;
        this.embedders = embedders;
    }

    /// <summary>Whether the crew or the agent has knowledge sources.</summary>
    public static bool Has(CrewDefinition crew, AgentDefinition? agent) => crew.KnowledgeSources.Count > 0 || agent?.KnowledgeSources.Count > 0;

    /// <summary>
    /// The chunks of the crew's and the agent's sources most similar to <paramref name="query"/>, best first: at most
    /// the knowledge config's results limit and at least its score threshold, unless <paramref name="top"/> is given
    /// (then that many, whatever their scores). Stores what is not stored yet first.
    /// </summary>
    public async Task<IReadOnlyList<MemoryMatch>> SearchAsync(CrewDefinition crew, AgentDefinition? agent, string query, int? top = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(crew);
        ArgumentNullException.ThrowIfNull(query);
        if (!Has(crew, agent))
        {
            return [];
        }

        var embedder = embedders.Resolve(crew.Embedder);
        float[] vector = (await embedder.Generator.GenerateVectorAsync(query, cancellationToken: cancellationToken).ConfigureAwait(false)).ToArray();
        return await SearchAsync(crew, agent, vector, top, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>As <see cref="SearchAsync(CrewDefinition, AgentDefinition?, string, int?, CancellationToken)"/>, for a query already embedded with the crew's embedder.</summary>
    public async Task<IReadOnlyList<MemoryMatch>> SearchAsync(CrewDefinition crew, AgentDefinition? agent, float[] vector, int? top = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(crew);
        ArgumentNullException.ThrowIfNull(vector);
        if (!Has(crew, agent))
        {
            return [];
        }

        var embedder = embedders.Resolve(crew.Embedder);
        var holders = Holders(crew).Where(h => h.Agent is null || h.Agent == agent?.Role).ToList();
        foreach (var holder in holders)
        {
            await SyncAsync(crew, holder.Scope, holder.Sources, holder.Agent, embedder, cancellationToken).ConfigureAwait(false);
        }

        var config = agent?.KnowledgeConfig ?? crew.KnowledgeConfig;
        var matches = await store.SearchAsync(holders.Select(h => h.Scope).ToList(), vector, top ?? config.ResultsLimit, cancellationToken).ConfigureAwait(false);
        return top is null ? matches.Where(m => m.Score >= config.ScoreThreshold).ToList() : matches;
    }

    /// <summary>Stores every source of the crew and its agents that is not stored as it is now, and deletes what no source makes any more.</summary>
    public async Task<int> SyncAsync(CrewDefinition crew, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(crew);
        var embedder = embedders.Resolve(crew.Embedder);
        int embedded = 0;
        foreach (var holder in Holders(crew))
        {
            embedded += await SyncAsync(crew, holder.Scope, holder.Sources, holder.Agent, embedder, cancellationToken).ConfigureAwait(false);
        }

        return embedded;
    }

    /// <summary>Each source of the crew and its agents, with whether its current chunks are stored.</summary>
    public async Task<IReadOnlyList<KnowledgeSourceState>> ListAsync(CrewDefinition crew, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(crew);
        var embedder = embedders.Resolve(crew.Embedder);
        var states = new List<KnowledgeSourceState>();
        foreach (var holder in Holders(crew))
        {
            var stored = await StoredKeysAsync(holder.Scope, cancellationToken).ConfigureAwait(false);
            foreach (var source in holder.Sources)
            {
                var chunks = KnowledgeText.Chunks(source, crew.Files);
                states.Add(new KnowledgeSourceState(holder.Agent ?? CrewHolder, source.Name, source.Kind.ToString().ToLowerInvariant(), chunks.Count, stored.ContainsKey(Key(source, chunks, embedder))));
            }
        }

        return states;
    }

    /// <summary>Deletes every stored chunk of the crew's knowledge and returns how many blobs went.</summary>
    public Task<int> ResetAsync(string crew, CancellationToken cancellationToken = default) =>
        store.DeleteAsync(BlobNames.KnowledgeContainer, MemoryScope.KnowledgePrefix(crew), cancellationToken);

    /// <summary>How a chunk reads in a prompt: its source, then its text.</summary>
    public static string Describe(MemoryMatch match)
    {
        ArgumentNullException.ThrowIfNull(match);
        return $"[{match.Memory.Task}] {match.Memory.Text.ReplaceLineEndings(" ")}";
    }

    static IEnumerable<(MemoryScope Scope, IReadOnlyList<KnowledgeSource> Sources, string? Agent)> Holders(CrewDefinition crew)
    {
        if (crew.KnowledgeSources.Count > 0)
        {
            yield return (MemoryScope.Knowledge(crew.Name), crew.KnowledgeSources, null);
        }

        foreach (var agent in crew.Agents.Where(a => a.KnowledgeSources.Count > 0))
        {
            yield return (MemoryScope.Knowledge(crew.Name, agent.Role), agent.KnowledgeSources, agent.Role);
        }
    }

    async Task<int> SyncAsync(CrewDefinition crew, MemoryScope scope, IReadOnlyList<KnowledgeSource> sources, string? agent, ResolvedEmbedder embedder, CancellationToken cancellationToken)
    {
        var stored = await StoredKeysAsync(scope, cancellationToken).ConfigureAwait(false);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        int embedded = 0;
        foreach (var source in sources)
        {
            var chunks = KnowledgeText.Chunks(source, crew.Files).Take(MaxChunksPerSource).ToList();
            string key = Key(source, chunks, embedder);
            wanted.Add(key);
            if (stored.ContainsKey(key) || chunks.Count == 0)
            {
                continue;
            }

            var records = new List<MemoryRecord>(chunks.Count);
            foreach (var batch in chunks.Chunk(EmbedBatch))
            {
                var vectors = await embedder.Generator.GenerateAsync(batch, cancellationToken: cancellationToken).ConfigureAwait(false);
                int first = records.Count;
                records.AddRange(batch.Select((chunk, i) => new MemoryRecord
                {
                    Id = $"{source.Name}#{first + i}",
                    Kind = MemoryKind.Knowledge,
                    Text = chunk,
                    Task = source.Name,
                    Agent = agent,
                    CreatedAt = DateTimeOffset.UnixEpoch,
                    Vector = vectors[i].Vector.ToArray(),
                }));
            }

            embedded += await store.SaveSegmentAsync(scope, key, records, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        foreach (var (key, name) in stored.Where(s => !wanted.Contains(s.Key)))
        {
            await store.DeleteSegmentAsync(scope, name, cancellationToken).ConfigureAwait(false);
        }

        return embedded;
    }

    async Task<Dictionary<string, string>> StoredKeysAsync(MemoryScope scope, CancellationToken cancellationToken)
    {
        var names = await store.ListSegmentNamesAsync(scope, cancellationToken).ConfigureAwait(false);
        return names
            .Select(n => (Name: n, Parsed: MemorySegmentName.Parse(scope.Prefix, n)))
            .Where(n => n.Parsed is not null)
            .GroupBy(n => n.Parsed!.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Name, StringComparer.Ordinal);
    }

    /// <summary>The segment key of a source as it is now: its name made safe, and a hash of its chunks and the embedder.</summary>
    static string Key(KnowledgeSource source, IReadOnlyList<string> chunks, ResolvedEmbedder embedder)
    {
        var hash = new StringBuilder().Append(source.Kind).Append('\0').Append(source.Name).Append('\0').Append(embedder.Description);
        foreach (string chunk in chunks)
        {
            hash.Append('\0').Append(chunk);
        }

        string slug = new(source.Name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').Take(40).ToArray());
        return $"{slug.Trim('-')}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(hash.ToString())))[..16]}";
    }
}
