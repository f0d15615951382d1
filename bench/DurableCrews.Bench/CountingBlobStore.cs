using System.Runtime.CompilerServices;
using DurableCrews.Storage;

namespace DurableCrews.Bench;

/// <summary>A blob store that counts what it is asked to do, for benchmarks that report what a task costs in storage.</summary>
internal sealed class CountingBlobStore(IBlobStore inner) : IBlobStore
{
    int reads;
    int writes;
    int lists;

    public (int Reads, int Writes, int Lists) Counts => (Volatile.Read(ref reads), Volatile.Read(ref writes), Volatile.Read(ref lists));

    public Task<string> PutAsync(string container, string name, BinaryData content, BlobCondition? condition = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref writes);
        return inner.PutAsync(container, name, content, condition, cancellationToken);
    }

    public Task<StoredBlob?> GetAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref reads);
        return inner.GetAsync(container, name, cancellationToken);
    }

    public Task<string?> GetETagAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref reads);
        return inner.GetETagAsync(container, name, cancellationToken);
    }

    public async IAsyncEnumerable<string> ListAsync(string container, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref lists);
        await foreach (string name in inner.ListAsync(container, prefix, cancellationToken).ConfigureAwait(false))
        {
            yield return name;
        }
    }

    public Task<bool> DeleteAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref writes);
        return inner.DeleteAsync(container, name, cancellationToken);
    }
}
