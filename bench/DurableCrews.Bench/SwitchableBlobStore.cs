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
    readonly ProcessMemoryBlobStore memory = new();
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
                memory.Clear();
            }
        }
    }

    IBlobStore Current => inMemory ? memory : durable;

    public Task<string> PutAsync(string container, string name, BinaryData content, BlobCondition? condition = null, CancellationToken cancellationToken = default) =>
        Current.PutAsync(container, name, content, condition, cancellationToken);

    public Task<StoredBlob?> GetAsync(string container, string name, CancellationToken cancellationToken = default) =>
        Current.GetAsync(container, name, cancellationToken);

    public Task<string?> GetETagAsync(string container, string name, CancellationToken cancellationToken = default) =>
        Current.GetETagAsync(container, name, cancellationToken);

    public IAsyncEnumerable<string> ListAsync(string container, string prefix, CancellationToken cancellationToken = default) =>
        Current.ListAsync(container, prefix, cancellationToken);

    public Task<bool> DeleteAsync(string container, string name, CancellationToken cancellationToken = default) =>
        Current.DeleteAsync(container, name, cancellationToken);

    /// <summary>Blobs in a dictionary, with the conditional writes of the <see cref="IBlobStore"/> contract.</summary>
    sealed class ProcessMemoryBlobStore : IBlobStore
    {
        readonly Dictionary<string, StoredBlob> blobs = new(StringComparer.Ordinal);
        long version;

        public void Clear()
        {
            lock (blobs)
            {
                blobs.Clear();
            }
        }

        public Task<string> PutAsync(string container, string name, BinaryData content, BlobCondition? condition = null, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(content);
            string key = Key(container, name);
            lock (blobs)
            {
                var current = blobs.GetValueOrDefault(key);
                if (condition is not null && ((condition.MustNotExist && current is not null) || (condition.IfMatch is { } expected && current?.ETag != expected)))
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
            string key = Key(container, name);
            lock (blobs)
            {
                return Task.FromResult(blobs.GetValueOrDefault(key));
            }
        }

        public async Task<string?> GetETagAsync(string container, string name, CancellationToken cancellationToken = default) =>
            (await GetAsync(container, name, cancellationToken).ConfigureAwait(false))?.ETag;

        public async IAsyncEnumerable<string> ListAsync(string container, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(prefix);
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

            await Task.CompletedTask.ConfigureAwait(false);
        }

        public Task<bool> DeleteAsync(string container, string name, CancellationToken cancellationToken = default)
        {
            string key = Key(container, name);
            lock (blobs)
            {
                return Task.FromResult(blobs.Remove(key));
            }
        }

        static string Key(string container, string name)
        {
            BlobNames.Check(container, name);
            return $"{container}/{name}";
        }
    }
}
