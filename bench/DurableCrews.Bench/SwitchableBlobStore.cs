using System.Runtime.CompilerServices;
using DurableCrews.Storage;

namespace DurableCrews.Bench;

/// <summary>
/// A blob store that sends everything either to the configured store or, while <see cref="InMemory"/> is set, to a
/// dictionary in this process: a benchmark switches it between runs (never during one) to time the same engine with
/// storage taken out, which says what a task costs apart from its blob round trips. Not durable; only for benchmarks.
/// </summary>
internal sealed class SwitchableBlobStore(IBlobStore durable) : IBlobStore
{
    readonly Dictionary<string, StoredBlob> blobs = new(StringComparer.Ordinal);
    long version;
    volatile bool inMemory;

    /// <summary>Whether blobs go to memory; set between runs only. Turning it off forgets what memory held.</summary>
    public bool InMemory
    {
        get => inMemory;
        set
        {
            inMemory = value;
            if (!value)
            {
                lock (blobs)
                {
                    blobs.Clear();
                }
            }
        }
    }

    public Task<string> PutAsync(string container, string name, BinaryData content, BlobCondition? condition = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!inMemory)
        {
            return durable.PutAsync(container, name, content, condition, cancellationToken);
        }

        string key = Key(container, name);
        lock (blobs)
        {
            bool exists = blobs.TryGetValue(key, out var current);
            if (condition is not null && ((condition.MustNotExist && exists) || (condition.IfMatch is { } expected && current?.ETag != expected)))
            {
                throw new BlobConditionFailedException(container, name);
            }

            string etag = $"\"{++version:x}\"";
            blobs[key] = new StoredBlob(BinaryData.FromBytes(content.ToArray()), etag);
            return Task.FromResult(etag);
        }
    }

    public Task<StoredBlob?> GetAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        if (!inMemory)
        {
            return durable.GetAsync(container, name, cancellationToken);
        }

        lock (blobs)
        {
            return Task.FromResult(blobs.GetValueOrDefault(Key(container, name)));
        }
    }

    public Task<string?> GetETagAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        if (!inMemory)
        {
            return durable.GetETagAsync(container, name, cancellationToken);
        }

        lock (blobs)
        {
            return Task.FromResult(blobs.GetValueOrDefault(Key(container, name))?.ETag);
        }
    }

    public async IAsyncEnumerable<string> ListAsync(string container, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (!inMemory)
        {
            await foreach (string name in durable.ListAsync(container, prefix, cancellationToken).ConfigureAwait(false))
            {
                yield return name;
            }

            yield break;
        }

        BlobNames.Check(container, "x");
        string start = $"{container}/{prefix}";
        List<string> names;
        lock (blobs)
        {
            names = blobs.Keys.Where(k => k.StartsWith(start, StringComparison.Ordinal)).Select(k => k[(container.Length + 1)..]).Order(StringComparer.Ordinal).ToList();
        }

        foreach (string name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return name;
        }
    }

    public Task<bool> DeleteAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        if (!inMemory)
        {
            return durable.DeleteAsync(container, name, cancellationToken);
        }

        lock (blobs)
        {
            return Task.FromResult(blobs.Remove(Key(container, name)));
        }
    }

    static string Key(string container, string name)
    {
        BlobNames.Check(container, name);
        return $"{container}/{name}";
    }
}
