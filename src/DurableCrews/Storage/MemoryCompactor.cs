using Microsoft.Extensions.Logging;

namespace DurableCrews.Storage;

/// <summary>
/// Merges the newest small segments of a scope into one that names what it replaces, so readers never see a record
/// twice or miss one, whatever they list while it runs. One worker compacts a scope at a time, under a lease.
/// </summary>
internal sealed class MemoryCompactor(IBlobStore blobs, MemorySegmentReader reader, BlobLease lease, MemoryOptions options, ILogger logger)
{
    static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(5);

    /// <summary>Compacts the scope (see <see cref="MemoryStore.CompactAsync"/>) and returns how many segments it merged.</summary>
    public async Task<int> CompactAsync(MemoryScope scope, bool force, CancellationToken cancellationToken)
    {
        string leaseName = $"{scope.Prefix}/compaction.lease";
        if (!await lease.TryAcquireAsync(scope.Container, leaseName, LeaseDuration, cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        try
        {
            var view = await reader.ViewAsync(scope, cancellationToken).ConfigureAwait(false);
            await DeleteReplacedAsync(scope, view, cancellationToken).ConfigureAwait(false);
            var run = ChooseRun(view, force);
            if (run.Segments.Count < 2)
            {
                return 0;
            }

            var writer = new MemorySegmentWriter(run.Segments.Max(s => s.Dimensions), options.Encoding);
            writer.Replaces.AddRange(run.Segments.Select(s => s.Name));
            for (int s = run.Start; s < run.Start + run.Segments.Count; s++)
            {
                for (int row = 0; row < view.Segments[s].Count; row++)
                {
                    if (view.Survives(s, row, run.Start == 0))
                    {
                        writer.Copy(view.Segments[s], row);
                    }
                }
            }

            var last = MemorySegmentName.Parse(scope.Prefix, run.Segments[^1].Name)!; // the merged segment takes the run's place in the order
            await writer.WriteNewAsync(blobs, scope, _ => MemorySegmentName.ForCompaction(scope.Prefix, last, writer.Count), cancellationToken).ConfigureAwait(false);
            foreach (var segment in run.Segments)
            {
                await blobs.DeleteAsync(scope.Container, segment.Name, cancellationToken).ConfigureAwait(false);
            }

            reader.ForgetReplaced(run.Segments.Select(s => s.Name));
            logger.LogInformation("Compacted {Segments} memory segments of {Scope} into one of {Records} records", run.Segments.Count, scope.Prefix, writer.Count);
            return run.Segments.Count;
        }
        finally
        {
            await lease.ReleaseAsync(scope.Container, leaseName).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The run of adjacent segments to merge: from the newest back, segments join while they fit the size cap and the
    /// dimensions, and (unless forced) while each older one is at most twice what the run holds; a run of one is passed
    /// over and the search goes on before it.
    /// </summary>
    SegmentRun ChooseRun(MemoryScopeView view, bool force)
    {
        if (view.Segments.Count < 2 || (!force && view.Segments.Count < options.CompactAfterSegments))
        {
            return SegmentRun.None;
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
                return new SegmentRun(start, view.Segments.Skip(start).Take(end - start + 1).ToList());
            }

            end = start - 1;
        }

        return SegmentRun.None;
    }

    /// <summary>Deletes the segments a compaction replaced that are still listed (it stopped before deleting them).</summary>
    async Task DeleteReplacedAsync(MemoryScope scope, MemoryScopeView view, CancellationToken cancellationToken)
    {
        var live = view.Segments.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string name in view.Listed.Where(n => !live.Contains(n)))
        {
            await blobs.DeleteAsync(scope.Container, name, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Adjacent segments to merge, from index <paramref name="Start"/> of the view.</summary>
    sealed record SegmentRun(int Start, IReadOnlyList<MemorySegment> Segments)
    {
        public static SegmentRun None { get; } = new(0, []);
    }
}
