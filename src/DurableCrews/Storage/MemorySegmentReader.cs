using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace DurableCrews.Storage;

/// <summary>
/// Reads a scope's merged view: lists its segments, decodes only those not decoded before (they never change) into a
/// cache bounded by <see cref="MemoryOptions.CacheMegabytes"/>, and keeps the last view of each scope while its listing
/// stays the same. A damaged segment is left out of every view; a scope's index blob from before segments is migrated
/// when first listed.
/// </summary>
internal sealed class MemorySegmentReader
{
    /// <summary>How many times a view is listed again when a compaction deleted a segment it listed.</summary>
    const int ListAttempts = 5;

    readonly IBlobStore blobs;
    readonly MemoryOptions options;
    readonly ILogger logger;
    readonly MemorySegmentCache cache;
    readonly ConcurrentDictionary<string, Lazy<Task<MemorySegment?>>> loading = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, MemoryScopeView> views = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, bool> unreadable = new(StringComparer.Ordinal);

    public MemorySegmentReader(IBlobStore blobs, MemoryOptions options, ILogger logger)
    {
        this.blobs = blobs;
        this.options = options;
        this.logger = logger;
        cache = new MemorySegmentCache(options.CacheMegabytes * 1024L * 1024L);
        cache.Evicted += ForgetViewsOf;
    }

    /// <summary>The bytes the decoded segments hold now.</summary>
    public long CachedBytes => cache.Bytes;

    /// <summary>The scope's live segments as listed now, merged.</summary>
    public async Task<MemoryScopeView> ViewAsync(MemoryScope scope, CancellationToken cancellationToken)
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
            if (segments.Any(s => s is null) && attempt < ListAttempts)
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

    /// <summary>Forgets what is cached of deleted segments, and the views of the scopes under <paramref name="prefix"/>.</summary>
    public void ForgetUnder(string container, string prefix, IReadOnlyList<string> deleted)
    {
        cache.Remove(deleted);
        foreach (string key in views.Keys.Where(k => k.StartsWith($"{container}/{prefix}", StringComparison.Ordinal)))
        {
            views.TryRemove(key, out _);
        }
    }

    /// <summary>Forgets what is cached of a deleted segment, and the scope's view.</summary>
    public void ForgetSegment(MemoryScope scope, string name)
    {
        cache.Remove([name]);
        views.TryRemove(ViewKey(scope), out _);
    }

    /// <summary>Forgets what is cached of segments a compaction replaced.</summary>
    public void ForgetReplaced(IEnumerable<string> names) => cache.Remove(names);

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
            names.AddRange(await LegacyMemoryIndexMigration.MigrateAsync(blobs, scope, options.Encoding, logger, cancellationToken).ConfigureAwait(false));
        }

        return names.OrderBy(n => n.Key, StringComparer.Ordinal).ToList();
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
}
