namespace DurableCrews.Storage;

/// <summary>Operations over many blobs, written once over <see cref="IBlobStore"/>.</summary>
public static class BlobStoreExtensions
{
    /// <summary>Deletes every blob whose name starts with one of <paramref name="prefixes"/>; returns the names it deleted.</summary>
    public static async Task<IReadOnlyList<string>> DeleteUnderAsync(this IBlobStore blobs, string container, IEnumerable<string> prefixes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(prefixes);
        var names = new List<string>();
        foreach (string prefix in prefixes)
        {
            await foreach (string name in blobs.ListAsync(container, prefix, cancellationToken).ConfigureAwait(false))
            {
                names.Add(name);
            }
        }

        var deleted = new List<string>();
        foreach (string name in names)
        {
            if (await blobs.DeleteAsync(container, name, cancellationToken).ConfigureAwait(false))
            {
                deleted.Add(name);
            }
        }

        return deleted;
    }
}
