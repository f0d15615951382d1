using DurableCrews.Storage;

namespace DurableCrews.Tests.Support;

/// <summary>
/// A blob store whose first write (or first <paramref name="times"/> writes) of a blob whose name contains
/// <paramref name="failing"/> fails, as a passing storage fault would: with <paramref name="error"/>, an IOException by default.
/// </summary>
internal sealed class FirstWriteFails(IBlobStore inner, string failing, int times = 1, Func<Exception>? error = null) : IBlobStore
{
    int failures;

    /// <summary>Whether the write failed.</summary>
    public bool Failed => Volatile.Read(ref failures) > 0;

    public Task<string> PutAsync(string container, string name, BinaryData content, BlobCondition? condition = null, CancellationToken cancellationToken = default) =>
        name.Contains(failing, StringComparison.Ordinal) && Interlocked.Increment(ref failures) <= times
            ? throw error?.Invoke() ?? new IOException("storage hiccup")
            : inner.PutAsync(container, name, content, condition, cancellationToken);

    public Task<StoredBlob?> GetAsync(string container, string name, CancellationToken cancellationToken = default) => inner.GetAsync(container, name, cancellationToken);

    public Task<string?> GetETagAsync(string container, string name, CancellationToken cancellationToken = default) => inner.GetETagAsync(container, name, cancellationToken);

    public IAsyncEnumerable<string> ListAsync(string container, string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(container, prefix, cancellationToken);

    public Task<bool> DeleteAsync(string container, string name, CancellationToken cancellationToken = default) => inner.DeleteAsync(container, name, cancellationToken);
}
