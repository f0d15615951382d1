using System.Globalization;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.Extensions.AI;

namespace DurableCrews.Agents;

/// <summary>
/// A crew's memory around each agent turn: before it, the most relevant short-term (this run), long-term
/// (earlier runs) and entity memories for the task; after it, the task's result saved as all three.
/// Does nothing for a crew without <c>memory: true</c> or an agent with <c>memory: false</c>.
/// </summary>
public sealed class CrewMemory
{
    /// <summary>How many memories go into a prompt.</summary>
    public const int TopK = 5;

    readonly MemoryStore store;
    readonly IEmbedderProvider embedders;
    readonly TimeProvider time;

    /// <summary>Creates the memory service.</summary>
    public CrewMemory(MemoryStore store, IEmbedderProvider embedders, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(embedders);
        this.store = store;
        this.embedders = embedders;
        this.time = time;
    }

    /// <summary>Whether an agent of the crew uses memory.</summary>
    public static bool IsOn(CrewDefinition crew, AgentDefinition agent)
    {
        ArgumentNullException.ThrowIfNull(crew);
        ArgumentNullException.ThrowIfNull(agent);
        return agent.Memory ?? crew.Memory;
    }

    /// <summary>The top memories for a task, best first (cosine similarity; newer first on ties).</summary>
    public async Task<IReadOnlyList<MemoryMatch>> RecallAsync(string runId, CrewDefinition crew, AgentDefinition agent, TaskDefinition task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!IsOn(crew, agent))
        {
            return [];
        }

        return await RecallAsync(runId, crew, agent, await EmbedAsync(crew, QueryOf(task), cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The top memories for a query already embedded with the crew's embedder (so that knowledge search can share it).</summary>
    public async Task<IReadOnlyList<MemoryMatch>> RecallAsync(string runId, CrewDefinition crew, AgentDefinition agent, float[] query, CancellationToken cancellationToken = default)
    {
        if (!IsOn(crew, agent))
        {
            return [];
        }

        var matches = await store.SearchAsync([MemoryScope.ShortTerm(runId), MemoryScope.LongTerm(crew.Name), MemoryScope.Entities(crew.Name)], query, TopK, cancellationToken).ConfigureAwait(false);
        return matches.Where(m => m.Score > 0).ToList();
    }

    /// <summary>What a task is searched for in memory and knowledge: its description and expected output.</summary>
    public static string QueryOf(TaskDefinition task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return $"{task.Description}\n{task.ExpectedOutput}";
    }

    /// <summary>A text embedded with the crew's embedder.</summary>
    public async Task<float[]> EmbedAsync(CrewDefinition crew, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(crew);
        var embedder = embedders.Resolve(crew.Embedder);
        return (await embedder.Generator.GenerateVectorAsync(text, cancellationToken: cancellationToken).ConfigureAwait(false)).ToArray();
    }

    /// <summary>Saves a finished task's result as short-term, long-term and entity memory.</summary>
    public async Task RememberAsync(string runId, CrewDefinition crew, AgentDefinition agent, TaskOutput output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!IsOn(crew, agent))
        {
            return;
        }

        var embedder = embedders.Resolve(crew.Embedder);
        var now = time.GetUtcNow();
        var chunks = TextChunker.Chunk(output.Raw, embedder.ChunkSize);
        string summary = output.Raw.Length > 600 ? output.Raw[..599] + "…" : output.Raw;
        string longTerm = $"{output.Name} ({output.Agent}): {summary}";
        var entities = EntityExtractor.Extract(output.Raw);

        var texts = chunks.Append(longTerm).Concat(entities.Select(e => $"{e.Name}: {e.Description}")).ToList();
        var vectors = await embedder.Generator.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false);
        float[] VectorAt(int i) => vectors[i].Vector.ToArray();

        var shortTerm = chunks.Select((chunk, i) => Record($"{runId}/{output.Index:00}/{i}", MemoryKind.ShortTerm, chunk, VectorAt(i))).ToList();
        var remembered = Record($"{runId}/{output.Index:00}", MemoryKind.LongTerm, longTerm, VectorAt(chunks.Count)) with { Quality = QualityOf(output) };
        var named = entities.Select((e, i) => Record(e.Name.ToLowerInvariant(), MemoryKind.Entity, $"{e.Name}: {e.Description}", VectorAt(chunks.Count + 1 + i))).ToList();

        await Task.WhenAll(
            store.SaveAsync(MemoryScope.ShortTerm(runId), shortTerm, cancellationToken),
            store.SaveAsync(MemoryScope.LongTerm(crew.Name), [remembered], cancellationToken),
            store.SaveAsync(MemoryScope.Entities(crew.Name), named, cancellationToken)).ConfigureAwait(false);

        MemoryRecord Record(string id, MemoryKind kind, string text, float[] vector) => new()
        {
            Id = id,
            Kind = kind,
            Text = text,
            Task = output.Name,
            Agent = output.Agent,
            RunId = runId,
            CreatedAt = now,
            Vector = vector,
        };
    }

    /// <summary>How a memory reads in a prompt: kind, source and text.</summary>
    public static string Describe(MemoryMatch match)
    {
        ArgumentNullException.ThrowIfNull(match);
        var m = match.Memory;
        string kind = m.Kind switch { MemoryKind.ShortTerm => "this run", MemoryKind.LongTerm => "earlier run", _ => "entity" };
        string source = m.Kind == MemoryKind.Entity ? string.Empty : $", {m.Task} by {m.Agent}, {m.CreatedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}";
        string quality = m.Quality is null ? string.Empty : $" (quality: {m.Quality})";
        return $"[{kind}{source}] {m.Text.ReplaceLineEndings(" ")}{quality}";
    }

    static string QualityOf(TaskOutput output)
    {
        int words = output.Raw.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        string json = output.JsonError is not null ? "; did not match output_json" : output.Json is not null ? "; matched output_json" : string.Empty;
        return $"{words} words{json}";
    }
}
