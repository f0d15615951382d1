using DurableCrews.Storage;

namespace DurableCrews.Tests.Support;

/// <summary>A blob store that notes the names of the blobs read.</summary>
internal sealed class NotingReads(IBlobStore inner) : IBlobStore
{
    public System.Collections.Concurrent.ConcurrentBag<string> Read { get; } = [];

    public Task<string> PutAsync(string container, string name, BinaryData content, BlobCondition? condition = null, CancellationToken cancellationToken = default) =>
        inner.PutAsync(container, name, content, condition, cancellationToken);

    public Task<StoredBlob?> GetAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        Read.Add(name);
        return inner.GetAsync(container, name, cancellationToken);
    }

    public Task<string?> GetETagAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        Read.Add(name);
        return inner.GetETagAsync(container, name, cancellationToken);
    }

    public IAsyncEnumerable<string> ListAsync(string container, string prefix, CancellationToken cancellationToken = default) =>
        inner.ListAsync(container, prefix, cancellationToken);

    public Task<bool> DeleteAsync(string container, string name, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(container, name, cancellationToken);
}
