using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using DurableCrews.Runs;

namespace DurableCrews.Storage;

/// <summary>
/// Crew memory in the <c>crew-memory</c> container: one index blob per scope, holding every record with its
/// embedding (base64 float32), so a search is one read and an in-memory scan. Saves are read-modify-write with
/// ETag conditions, retried on conflict, so concurrent writers (parallel delegations) lose nothing. Entity
/// records with the same id are merged rather than duplicated. Decoded indexes are kept per ETag.
/// </summary>
public sealed class MemoryStore
{
    const int MaxAttempts = 20;
    readonly IBlobStore blobs;
    readonly ConcurrentDictionary<string, (string ETag, IReadOnlyList<MemoryRecord> Records)> decoded = new(StringComparer.Ordinal);

    /// <summary>Creates the store over a blob store.</summary>
    public MemoryStore(IBlobStore blobs)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        this.blobs = blobs;
    }

    /// <summary>Adds records to a scope (replacing entities of the same id, their descriptions joined).</summary>
    public async Task SaveAsync(MemoryScope scope, IReadOnlyList<MemoryRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        for (int attempt = 1; ; attempt++)
        {
            var (etag, current) = await ReadAsync(scope, cancellationToken).ConfigureAwait(false);
            var merged = Merge(current, records);
            try
            {
                await blobs.PutAsync(BlobNames.MemoryContainer, scope.BlobName, Encode(merged),
                    etag is null ? BlobCondition.IfNotExists : BlobCondition.IfUnchanged(etag), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (BlobConditionFailedException) when (attempt < MaxAttempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Every record of a scope, oldest first.</summary>
    public async Task<IReadOnlyList<MemoryRecord>> ListAsync(MemoryScope scope, CancellationToken cancellationToken = default) =>
        (await ReadAsync(scope, cancellationToken).ConfigureAwait(false)).Records;

    /// <summary>The <paramref name="top"/> records most similar to <paramref name="query"/>; ties go to the newer record.</summary>
    public async Task<IReadOnlyList<MemoryMatch>> SearchAsync(MemoryScope scope, float[] query, int top, CancellationToken cancellationToken = default)
    {
        var records = await ListAsync(scope, cancellationToken).ConfigureAwait(false);
        return Rank(records, query, top);
    }

    /// <summary>The top matches among records, by cosine similarity and then recency.</summary>
    public static IReadOnlyList<MemoryMatch> Rank(IEnumerable<MemoryRecord> records, float[] query, int top)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(query);
        return records
            .Where(r => r.Vector.Length == query.Length)
            .Select(r => new MemoryMatch(r, Math.Round(Dot(r.Vector, query), 6)))
            .OrderByDescending(m => m.Score)
            .ThenByDescending(m => m.Memory.CreatedAt)
            .Take(top)
            .ToList();
    }

    /// <summary>Deletes every memory of a crew (its long-term and entity memory) and returns how many blobs went.</summary>
    public async Task<int> ResetAsync(string crew, CancellationToken cancellationToken = default)
    {
        int deleted = 0;
        foreach (var scope in new[] { MemoryScope.LongTerm(crew), MemoryScope.Entities(crew) })
        {
            deleted += await blobs.DeleteAsync(BlobNames.MemoryContainer, scope.BlobName, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            decoded.TryRemove(scope.BlobName, out _);
        }

        return deleted;
    }

    static float Dot(float[] a, float[] b)
    {
        float sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    async Task<(string? ETag, IReadOnlyList<MemoryRecord> Records)> ReadAsync(MemoryScope scope, CancellationToken cancellationToken)
    {
        if (decoded.TryGetValue(scope.BlobName, out var known)
            && await blobs.GetETagAsync(BlobNames.MemoryContainer, scope.BlobName, cancellationToken).ConfigureAwait(false) == known.ETag)
        {
            return (known.ETag, known.Records);
        }

        var blob = await blobs.GetAsync(BlobNames.MemoryContainer, scope.BlobName, cancellationToken).ConfigureAwait(false);
        if (blob is null)
        {
            return (null, []);
        }

        if (decoded.TryGetValue(scope.BlobName, out var cached) && cached.ETag == blob.ETag)
        {
            return (blob.ETag, cached.Records);
        }

        var records = Decode(blob.Content);
        decoded[scope.BlobName] = (blob.ETag, records);
        return (blob.ETag, records);
    }

    static List<MemoryRecord> Merge(IReadOnlyList<MemoryRecord> current, IReadOnlyList<MemoryRecord> added)
    {
        var merged = current.ToList();
        foreach (var record in added)
        {
            int existing = record.Kind == MemoryKind.Entity ? merged.FindIndex(r => r.Id == record.Id) : -1;
            if (existing < 0)
            {
                merged.Add(record);
            }
            else if (!merged[existing].Text.Contains(record.Text, StringComparison.Ordinal))
            {
                merged[existing] = record with { Text = $"{merged[existing].Text} {record.Text}" };
            }
        }

        return merged;
    }

    static BinaryData Encode(IReadOnlyList<MemoryRecord> records) =>
        CrewJson.ToBinary(new StoredIndex(records.Select(r => new StoredRecord(r with { Vector = [] }, Convert.ToBase64String(MemoryMarshal.AsBytes(r.Vector.AsSpan())))).ToList()));

    static List<MemoryRecord> Decode(BinaryData content)
    {
        var index = CrewJson.FromBinary<StoredIndex>(content);
        return index.Records.Select(r => r.Memory with { Vector = MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(r.Vector)).ToArray() }).ToList();
    }

    sealed record StoredIndex(IReadOnlyList<StoredRecord> Records);

    sealed record StoredRecord(MemoryRecord Memory, string Vector);
}
