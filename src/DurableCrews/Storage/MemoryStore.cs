using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using DurableCrews.Runs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DurableCrews.Storage;

/// <summary>
/// Crew memory as append-only segments: a save writes one small immutable segment blob per scope (never rewriting
/// older ones, so its cost does not grow with the memory and concurrent savers never conflict); a search lists the
/// scope, reads only segments it has not decoded before (they never change), and scans their compact vectors.
/// Deletions and entity merges are rows of later segments, applied by the merged view. Compaction merges the newest
/// small segments into one that names what it replaces, so readers never see a record twice or miss one, whatever
/// they list while it runs. A scope's single index blob from before segments is migrated when first read.
/// </summary>
public sealed class MemoryStore
{
    const int ReadAttempts = 5;
    static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(5);

    readonly IBlobStore blobs;
    readonly MemoryOptions options;
    readonly ILogger logger;
    readonly TimeProvider time;
    readonly MemorySegmentCache cache;
    readonly ConcurrentDictionary<string, Lazy<Task<MemorySegment?>>> loading = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, MemoryScopeView> views = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, bool> unreadable = new(StringComparer.Ordinal);

    /// <summary>Creates the store over a blob store.</summary>
    public MemoryStore(IBlobStore blobs, MemoryOptions? options = null, ILogger<MemoryStore>? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        this.blobs = blobs;
        this.options = options ?? new MemoryOptions();
        this.logger = logger ?? NullLogger<MemoryStore>.Instance;
        this.time = time ?? TimeProvider.System;
        cache = new MemorySegmentCache(Math.Max(1, this.options.CacheMegabytes) * 1024L * 1024L);
        cache.Evicted += names => ForgetViewsOf(names);
    }

    /// <summary>The bytes the decoded segments of this store hold now.</summary>
    public long CachedBytes => cache.Bytes;

    /// <summary>Adds records to a scope: one new segment (one per vector size), one blob write. Entities of an id already saved are merged by the view.</summary>
    public async Task SaveAsync(MemoryScope scope, IReadOnlyList<MemoryRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(records);
        foreach (var group in records.GroupBy(r => r.Vector.Length))
        {
            var writer = new MemorySegmentWriter(group.Key, options.Encoding);
            foreach (var record in group)
            {
                writer.Add(record);
            }

            await WriteAsync(scope, writer, name => MemorySegmentName.ForSave(scope.Prefix, time.GetUtcNow(), writer.Count), cancellationToken).ConfigureAwait(false);
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

        await WriteAsync(scope, writer, _ => MemorySegmentName.ForSave(scope.Prefix, now, writer.Count), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes a segment under a key the caller chooses (knowledge: a source's content hash); false when it exists already.</summary>
    internal async Task<bool> SaveSegmentAsync(MemoryScope scope, string key, IReadOnlyList<MemoryRecord> records, CancellationToken cancellationToken)
    {
        var writer = new MemorySegmentWriter(records.Count == 0 ? 0 : records[0].Vector.Length, options.Encoding);
        foreach (var record in records)
        {
            writer.Add(record);
        }

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
        (await ViewAsync(scope, cancellationToken).ConfigureAwait(false)).Records();

    /// <summary>How many live records a scope has and in how many segments.</summary>
    public async Task<(int Records, int Segments)> CountAsync(MemoryScope scope, CancellationToken cancellationToken = default)
    {
        var view = await ViewAsync(scope, cancellationToken).ConfigureAwait(false);
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

        var scoped = await Task.WhenAll(scopes.Select(scope => ViewAsync(scope, cancellationToken))).ConfigureAwait(false);
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
    public async Task<int> CompactAsync(MemoryScope scope, bool force = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        string lease = $"{scope.Prefix}/compaction.lease";
        if (!await TryLeaseAsync(scope.Container, lease, cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        try
        {
            var view = await ViewAsync(scope, cancellationToken).ConfigureAwait(false);
            await DeleteReplacedAsync(scope, view, cancellationToken).ConfigureAwait(false);
            var (first, merged) = ChooseRun(view, force);
            if (merged.Count < 2)
            {
                return 0;
            }

            var writer = new MemorySegmentWriter(merged.Max(s => s.Dimensions), options.Encoding);
            writer.Replaces.AddRange(merged.Select(s => s.Name));
            for (int s = first; s < first + merged.Count; s++)
            {
                for (int row = 0; row < view.Segments[s].Count; row++)
                {
                    if (view.Survives(s, row, first == 0))
                    {
                        writer.Copy(view.Segments[s], row);
                    }
                }
            }

            var last = MemorySegmentName.Parse(scope.Prefix, merged[^1].Name)!; // the merged segment takes the run's place in the order
            await WriteAsync(scope, writer, _ => MemorySegmentName.ForCompaction(scope.Prefix, last, writer.Count), cancellationToken).ConfigureAwait(false);
            foreach (var segment in merged)
            {
                await blobs.DeleteAsync(scope.Container, segment.Name, cancellationToken).ConfigureAwait(false);
            }

            cache.Remove(merged.Select(s => s.Name));
            logger.LogInformation("Compacted {Segments} memory segments of {Scope} into one of {Records} records", merged.Count, scope.Prefix, writer.Count);
            return merged.Count;
        }
        finally
        {
            await blobs.DeleteAsync(scope.Container, lease, CancellationToken.None).ConfigureAwait(false);
        }
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
        cache.Remove(deleted);
        foreach (string key in views.Keys.Where(k => k.StartsWith($"{container}/{prefix}", StringComparison.Ordinal)))
        {
            views.TryRemove(key, out _);
        }

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
        cache.Remove([name]);
        views.TryRemove(ViewKey(scope), out _);
    }

    /// <summary>
    /// The run of adjacent segments to merge: from the newest back, segments join while they fit the size cap and the
    /// dimensions, and (unless forced) while each older one is at most twice what the run holds; a run of one is passed
    /// over and the search goes on before it.
    /// </summary>
    (int Start, List<MemorySegment> Run) ChooseRun(MemoryScopeView view, bool force)
    {
        if (view.Segments.Count < 2 || (!force && view.Segments.Count < options.CompactAfterSegments))
        {
            return (0, []);
        }

        int end = view.Segments.Count - 1;
        while (end > 0)
        {
            long records = 0;
            int dimensions = 0;
            int start = end + 1;
            for (int s = end; s >= 0; s--)
            {
                var segment = view.Segments[s];
                bool fits = segment.Dimensions == 0 || dimensions == 0 || segment.Dimensions == dimensions;
                int length = end - s;
                if (!fits || (length > 0 && records + segment.Count > options.MaxSegmentRecords) || (!force && length >= 2 && segment.Count > 2 * records))
                {
                    break;
                }

                dimensions = Math.Max(dimensions, segment.Dimensions);
                records += segment.Count;
                start = s;
            }

            if (end - start >= 1)
            {
                return (start, view.Segments.Skip(start).Take(end - start + 1).ToList());
            }

            end = start - 1;
        }

        return (0, []);
    }

    async Task DeleteReplacedAsync(MemoryScope scope, MemoryScopeView view, CancellationToken cancellationToken)
    {
        var live = view.Segments.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string name in view.Listed.Where(n => !live.Contains(n)))
        {
            await blobs.DeleteAsync(scope.Container, name, cancellationToken).ConfigureAwait(false);
        }
    }

    async Task WriteAsync(MemoryScope scope, MemorySegmentWriter writer, Func<int, MemorySegmentName> name, CancellationToken cancellationToken)
    {
        var content = BinaryData.FromBytes(writer.ToArray());
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await blobs.PutAsync(scope.Container, name(attempt).Name, content, BlobCondition.IfNotExists, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (BlobConditionFailedException) when (attempt < ReadAttempts)
            {
                // Two segments drew the same name: draw again.
            }
        }
    }

    async Task<MemoryScopeView> ViewAsync(MemoryScope scope, CancellationToken cancellationToken)
    {
        string key = ViewKey(scope);
        for (int attempt = 1; ; attempt++)
        {
            var listed = await ListScopeAsync(scope, cancellationToken).ConfigureAwait(false);
            views.TryGetValue(key, out var previous);
            if (previous is not null && previous.Listed.SequenceEqual(listed.Select(n => n.Name)))
            {
                return previous;
            }

            var segments = await Task.WhenAll(listed.Select(n => LoadAsync(scope, n.Name, cancellationToken))).ConfigureAwait(false);
            if (segments.Any(s => s is null) && attempt < ReadAttempts)
            {
                continue; // a compaction deleted a listed segment after writing the one that replaces it: list again
            }

            var present = segments.OfType<MemorySegment>().ToList();
            var replaced = present.SelectMany(s => s.Replaces).ToHashSet(StringComparer.Ordinal);
            var live = present.Where(s => !replaced.Contains(s.Name)).ToList();
            var view = MemoryScopeView.Build(scope.Kind, live, listed.Select(n => n.Name).ToList(), previous);
            views[key] = view;
            return view;
        }
    }

    async Task<List<MemorySegmentName>> ListScopeAsync(MemoryScope scope, CancellationToken cancellationToken)
    {
        var names = new List<MemorySegmentName>();
        bool legacy = false;
        await foreach (string name in blobs.ListAsync(scope.Container, scope.Prefix, cancellationToken).ConfigureAwait(false))
        {
            if (name == scope.LegacyBlobName)
            {
                legacy = true;
            }
            else if (MemorySegmentName.Parse(scope.Prefix, name) is { } segment && !unreadable.ContainsKey(name))
            {
                names.Add(segment);
            }
        }

        if (legacy)
        {
            names.AddRange(await MigrateAsync(scope, cancellationToken).ConfigureAwait(false));
        }

        return names.OrderBy(n => n.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>Moves the records of a scope's single index blob (the layout before segments) into segments, then deletes the blob.</summary>
    async Task<IReadOnlyList<MemorySegmentName>> MigrateAsync(MemoryScope scope, CancellationToken cancellationToken)
    {
        var blob = await blobs.GetAsync(scope.Container, scope.LegacyBlobName, cancellationToken).ConfigureAwait(false);
        if (blob is null)
        {
            return [];
        }

        var index = CrewJson.FromBinary<LegacyIndex>(blob.Content);
        var names = new List<MemorySegmentName>();
        foreach (var group in index.Records
            .Select(r => r.Memory with { Vector = MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(r.Vector)).ToArray() })
            .GroupBy(r => r.Vector.Length))
        {
            var writer = new MemorySegmentWriter(group.Key, options.Encoding);
            foreach (var record in group)
            {
                writer.Add(record);
            }

            var name = MemorySegmentName.ForMigration(scope.Prefix, $"{blob.ETag}/{group.Key}", writer.Count);
            try
            {
                await blobs.PutAsync(scope.Container, name.Name, BinaryData.FromBytes(writer.ToArray()), BlobCondition.IfNotExists, cancellationToken).ConfigureAwait(false);
            }
            catch (BlobConditionFailedException)
            {
                // Another worker migrated the same index first.
            }

            names.Add(name);
        }

        await blobs.DeleteAsync(scope.Container, scope.LegacyBlobName, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Migrated the memories of {Scope} from its index blob to {Segments} segment(s)", scope.Prefix, names.Count);
        return names;
    }

    async Task<MemorySegment?> LoadAsync(MemoryScope scope, string name, CancellationToken cancellationToken)
    {
        if (cache.Get(name) is { } cached)
        {
            return cached;
        }

        var load = loading.GetOrAdd(name, n => new Lazy<Task<MemorySegment?>>(() => ReadSegmentAsync(scope, n)));
        try
        {
            return await load.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            loading.TryRemove(KeyValuePair.Create(name, load));
        }
    }

    async Task<MemorySegment?> ReadSegmentAsync(MemoryScope scope, string name)
    {
        var blob = await blobs.GetAsync(scope.Container, name, CancellationToken.None).ConfigureAwait(false);
        if (blob is null)
        {
            return null;
        }

        try
        {
            var segment = MemorySegment.Decode(name, blob.Content.ToMemory());
            cache.Add(segment);
            return segment;
        }
        catch (InvalidDataException ex)
        {
            // A damaged segment is left out of every view (and logged once) rather than failing every run of the crew.
            unreadable[name] = true;
            logger.LogError(ex, "Memory segment {Segment} in {Container} cannot be read and is left out of searches", name, scope.Container);
            return null;
        }
    }

    async Task<bool> TryLeaseAsync(string container, string lease, CancellationToken cancellationToken)
    {
        var content = BinaryData.FromObjectAsJson(new { Until = time.GetUtcNow() + LeaseDuration });
        try
        {
            await blobs.PutAsync(container, lease, content, BlobCondition.IfNotExists, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (BlobConditionFailedException)
        {
            var held = await blobs.GetAsync(container, lease, cancellationToken).ConfigureAwait(false);
            if (held is null || UntilOf(held.Content) > time.GetUtcNow())
            {
                return false;
            }

            try
            {
                await blobs.PutAsync(container, lease, content, BlobCondition.IfUnchanged(held.ETag), cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (BlobConditionFailedException)
            {
                return false;
            }
        }
    }

    static DateTimeOffset UntilOf(BinaryData lease)
    {
        try
        {
            return lease.ToObjectFromJson<LeaseContent>()?.Until ?? DateTimeOffset.MinValue;
        }
        catch (System.Text.Json.JsonException)
        {
            return DateTimeOffset.MinValue; // an unreadable lease is taken over
        }
    }

    void ForgetViewsOf(IReadOnlyList<string> names)
    {
        var gone = names.ToHashSet(StringComparer.Ordinal);
        foreach (var (key, view) in views)
        {
            if (view.Segments.Any(s => gone.Contains(s.Name)))
            {
                views.TryRemove(key, out _);
            }
        }
    }

    static string ViewKey(MemoryScope scope) => $"{scope.Container}/{scope.Prefix}";

    sealed record LeaseContent(DateTimeOffset Until);

    sealed record LegacyIndex(IReadOnlyList<LegacyRecord> Records);

    sealed record LegacyRecord(MemoryRecord Memory, string Vector);
}
