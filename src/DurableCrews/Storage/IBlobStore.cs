namespace DurableCrews.Storage;

/// <summary>
/// The blob operations DurableCrews needs, implemented over Azure Blob Storage and over a local folder.
/// Both pass one contract test suite. Writes may be made conditional on the blob's ETag, so that
/// concurrent writers never lose each other's updates.
/// </summary>
public interface IBlobStore
{
    /// <summary>Writes a blob, creating the container when needed, and returns its new ETag.</summary>
    /// <exception cref="BlobConditionFailedException">The <paramref name="condition"/> did not hold.</exception>
    Task<string> PutAsync(string container, string name, BinaryData content, BlobCondition? condition = null, CancellationToken cancellationToken = default);

    /// <summary>Reads a blob with its ETag; null when it does not exist.</summary>
    Task<StoredBlob?> GetAsync(string container, string name, CancellationToken cancellationToken = default);

    /// <summary>A blob's current ETag without its content; null when it does not exist. Cheap: for checking a cached copy.</summary>
    Task<string?> GetETagAsync(string container, string name, CancellationToken cancellationToken = default);

    /// <summary>Lists the names of the blobs whose names start with <paramref name="prefix"/>, in ordinal order.</summary>
    IAsyncEnumerable<string> ListAsync(string container, string prefix, CancellationToken cancellationToken = default);

    /// <summary>Deletes a blob; false when there was none.</summary>
    Task<bool> DeleteAsync(string container, string name, CancellationToken cancellationToken = default);
}
