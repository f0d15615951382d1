using System.Collections.Concurrent;
using DurableCrews.Runs;

namespace DurableCrews.Storage;

/// <summary>The records of <c>for_each</c> tasks that list their items, as their items' works read them.</summary>
public sealed partial class RunStore
{
    // A for_each task's record is written once, before its first item starts, and not again while its items run; a run id
    // started again (after a delete) has a new request, so a record kept with the ETag of its run's request is that record.
    readonly ConcurrentDictionary<(string Name, string RunETag), TaskOutput> itemLists = new();

    /// <summary>
    /// Reads the record of a <c>for_each</c> task (<see cref="TaskOutput.Items"/>) for the work of one of its items. Within
    /// a <see cref="ReadRunsOnce"/> scope told the ETag of the run's request, a record this store read before under that
    /// ETag is handed back without asking the store: the begin and the finish of an item, and the items after it on this
    /// worker, read it once between them instead of once each.
    /// </summary>
    /// <returns>The record; null when the task has none stored.</returns>
    public async Task<TaskOutput?> GetItemListAsync(string runId, int index, string task, CancellationToken cancellationToken = default)
    {
        string name = RunBlobs.TaskBlob(runId, index, task);
        string? runETag = readOnce.Value is { KnownRunId: { } known, KnownRunETag: { } etag } && known == runId ? etag : null;
        if (runETag is not null && itemLists.TryGetValue((name, runETag), out var kept))
        {
            return kept;
        }

        var record = await ReadAsync<TaskOutput>(name, cancellationToken).ConfigureAwait(false);
        if (runETag is not null && record?.Items is not null)
        {
            if (itemLists.Count >= MaxCachedRequests)
            {
                itemLists.Clear();
            }

            itemLists[(name, runETag)] = record;
        }

        return record;
    }
}
