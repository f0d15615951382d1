using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DurableCrews.Storage;

/// <summary>
/// Crew memory as append-only segments: a save writes one small immutable segment blob per scope (never rewriting
/// older ones, so its cost does not grow with the memory and concurrent savers never conflict); a search reads the
/// scope's merged view (<see cref="MemorySegmentReader"/>) and scans its compact vectors. Deletions and entity merges
/// are rows of later segments, applied by the merged view; compaction (<see cref="MemoryCompactor"/>) merges the newest
/// small segments into one.
/// </summary>
public sealed class MemoryStore
{
    readonly IBlobStore blobs;
    readonly MemoryOptions options;
    readonly TimeProvider time;
    readonly MemorySegmentReader reader;
    readonly MemoryCompactor compactor;

    /// <summary>Creates the store over a blob store.</summary>
    public MemoryStore(IBlobStore blobs, IOptions<MemoryOptions> options, ILogger<MemoryStore> logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        this.blobs = blobs;
        this.options = options.Value;
        this.time = time;
        reader = new MemorySegmentReader(blobs, this.options, logger);
        compactor = new MemoryCompactor(blobs, reader, new BlobLease(blobs, time), this.options, logger);
    }

    /// <summary>A store outside a service container (tools, benchmarks): default settings unless given, no logging.</summary>
    public static MemoryStore Create(IBlobStore blobs, MemoryOptions? options = null, TimeProvider? time = null) =>
        new(blobs, Options.Create(options ?? new MemoryOptions()), NullLogger<MemoryStore>.Instance, time ?? TimeProvider.System);

    /// <summary>The bytes the decoded segments of this store hold now.</summary>
    public long CachedBytes => reader.CachedBytes;

    /// <summary>Adds records to a scope: one new segment (one per vector size), one blob write. Entities of an id already saved are merged by the view.</summary>
    public async Task SaveAsync(MemoryScope scope, IReadOnlyList<MemoryRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(records);
        foreach (var group in records.GroupBy(r => r.Vector.Length))
        {
            var writer = MemorySegmentWriter.Of(group, group.Key, options.Encoding);
            await writer.WriteNewAsync(blobs, scope, name => MemorySegmentName.ForSave(scope.Prefix, time.GetUtcNow(), writer.Count), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Forgets the records of the given ids (for an entity, every version): one segment of deletions.</summary>
    public async Task ForgetAsync(MemoryScope scope, IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return;
        }

        var writer = new MemorySegmentWriter(0, options.Encoding);
        var now = time.GetUtcNow();
        foreach (string id in ids.Distinct(StringComparer.Ordinal))
        {
            writer.AddTombstone(id, scope.Kind, now);
        }

        await writer.WriteNewAsync(blobs, scope, _ => MemorySegmentName.ForSave(scope.Prefix, now, writer.Count), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes a segment under a key the caller chooses (knowledge: a source's content hash); false when it exists already.</summary>
    internal async Task<bool> SaveSegmentAsync(MemoryScope scope, string key, IReadOnlyList<MemoryRecord> records, CancellationToken cancellationToken)
    {
        var writer = MemorySegmentWriter.Of(records, records.Count == 0 ? 0 : records[0].Vector.Length, options.Encoding);
        string name = $"{scope.Prefix}/{key}.{writer.Count}{MemorySegmentName.Suffix}";
        try
        {
            await blobs.PutAsync(scope.Container, name, BinaryData.FromBytes(writer.ToArray()), BlobCondition.IfNotExists, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (BlobConditionFailedException)
        {
            return false;
        }
    }

    /// <summary>Every live record of a scope, in the order they were saved.</summary>
    public async Task<IReadOnlyList<MemoryRecord>> ListAsync(MemoryScope scope, CancellationToken cancellationToken = default) =>
        (await reader.ViewAsync(scope, cancellationToken).ConfigureAwait(false)).Records();

    /// <summary>How many live records a scope has and in how many segments.</summary>
    public async Task<(int Records, int Segments)> CountAsync(MemoryScope scope, CancellationToken cancellationToken = default)
    {
        var view = await reader.ViewAsync(scope, cancellationToken).ConfigureAwait(false);
        return (view.Count, view.Segments.Count);
    }

    /// <summary>The <paramref name="top"/> records most similar to <paramref name="query"/>; ties go to the newer record.</summary>
    public Task<IReadOnlyList<MemoryMatch>> SearchAsync(MemoryScope scope, float[] query, int top, CancellationToken cancellationToken = default) =>
        SearchAsync([scope], query, top, cancellationToken);

    /// <summary>The <paramref name="top"/> records of any of the scopes most similar to <paramref name="query"/>; ties go to the newer record.</summary>
    public async Task<IReadOnlyList<MemoryMatch>> SearchAsync(IReadOnlyList<MemoryScope> scopes, float[] query, int top, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(query);
        if (top < 1 || query.Length == 0)
        {
            return [];
        }

        var scoped = await Task.WhenAll(scopes.Select(scope => reader.ViewAsync(scope, cancellationToken))).ConfigureAwait(false);
        int candidates = Math.Max(8 * top, 64);
        return scoped
            .SelectMany(view => view.Search(query, candidates))
            .OrderByDescending(m => m.Score)
            .ThenByDescending(m => m.Memory.CreatedAt)
            .Take(top)
            .ToList();
    }

    /// <summary>The top matches among records, by exact cosine similarity and then recency (for records already in hand).</summary>
    public static IReadOnlyList<MemoryMatch> Rank(IEnumerable<MemoryRecord> records, float[] query, int top)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(query);
        return records
            .Where(r => r.Vector.Length == query.Length)
            .Select(r => new MemoryMatch(r, Math.Round(System.Numerics.Tensors.TensorPrimitives.Dot(r.Vector, query), 6)))
            .OrderByDescending(m => m.Score)
            .ThenByDescending(m => m.Memory.CreatedAt)
            .Take(top)
            .ToList();
    }

    /// <summary>
    /// Merges the newest small segments of a scope into one when it has gathered <see cref="MemoryOptions.CompactAfterSegments"/>
    /// or more, and returns how many it merged (0: nothing to do, or another worker is compacting the scope). The newest
    /// segments are merged while each older one is at most twice what is merged so far, so records are rewritten a
    /// logarithmic number of times, and never into a segment of more than <see cref="MemoryOptions.MaxSegmentRecords"/>;
    /// <paramref name="force"/> merges the newest segments up to that size whatever their sizes.
    /// </summary>
    public Task<int> CompactAsync(MemoryScope scope, bool force = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return compactor.CompactAsync(scope, force, cancellationToken);
    }

    /// <summary>Deletes every memory of a crew (its long-term and entity memory) and returns how many blobs went.</summary>
    public async Task<int> ResetAsync(string crew, CancellationToken cancellationToken = default)
    {
        int deleted = 0;
        foreach (var scope in new[] { MemoryScope.LongTerm(crew), MemoryScope.Entities(crew) })
        {
            deleted += await DeleteAsync(scope.Container, scope.Prefix, cancellationToken).ConfigureAwait(false);
        }

        return deleted;
    }

    /// <summary>Deletes every blob whose name starts with <paramref name="prefix"/> in a memory container, and what is cached of them.</summary>
    internal async Task<int> DeleteAsync(string container, string prefix, CancellationToken cancellationToken)
    {
        var deleted = await blobs.DeleteUnderAsync(container, [prefix], cancellationToken).ConfigureAwait(false);
        reader.ForgetUnder(container, prefix, deleted);
        return deleted.Count;
    }

    /// <summary>The segment names of a scope as listed now, with the keys written under it.</summary>
    internal async Task<IReadOnlyList<string>> ListSegmentNamesAsync(MemoryScope scope, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (string name in blobs.ListAsync(scope.Container, scope.Prefix + "/", cancellationToken).ConfigureAwait(false))
        {
            if (MemorySegmentName.Parse(scope.Prefix, name) is not null)
            {
                names.Add(name);
            }
        }

        return names;
    }

    /// <summary>Deletes one segment and forgets what is cached of it.</summary>
    internal async Task DeleteSegmentAsync(MemoryScope scope, string name, CancellationToken cancellationToken)
    {
        await blobs.DeleteAsync(scope.Container, name, cancellationToken).ConfigureAwait(false);
        reader.ForgetSegment(scope, name);
    }
}
