using System.Runtime.CompilerServices;

namespace DurableCrews.Storage;

/// <summary>
/// The embedded store: one file per blob under a root folder (<c>{root}/{container}/{name}</c>). Writes are
/// atomic (a temporary file renamed into place) and conditional writes are serialized per blob (by a stripe of locks), so the store
/// keeps the <see cref="IBlobStore"/> contract for the writers of one process. A blob's ETag is its file's
/// last write time and length, so it changes on every write and is read without reading the content.
/// </summary>
public sealed class LocalBlobStore : IBlobStore
{
    readonly string root;
    // One lock per stripe of paths, not one per path: a long-running server writes millions of blob names.
    readonly SemaphoreSlim[] stripes = Enumerable.Range(0, 256).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>Creates a store under <paramref name="root"/>, which is created when missing.</summary>
    public LocalBlobStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        this.root = Path.GetFullPath(root);
        Directory.CreateDirectory(this.root);
    }

    /// <summary>The folder the blobs are kept in.</summary>
    public string Root => root;

    /// <inheritdoc />
    public async Task<string> PutAsync(string container, string name, BinaryData content, BlobCondition? condition = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        string path = PathOf(container, name);
        var gate = GateOf(path);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (condition is not null)
            {
                string? current = ETagOf(path);
                if ((condition.MustNotExist && current is not null) || (condition.IfMatch is { } expected && current != expected))
                {
                    throw new BlobConditionFailedException(container, name);
                }
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            await File.WriteAllBytesAsync(temporary, content.ToArray(), cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true);
            return ETagOf(path)!;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<StoredBlob?> GetAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        string path = PathOf(container, name);
        var gate = GateOf(path);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string? etag = ETagOf(path);
            return etag is null ? null : new StoredBlob(BinaryData.FromBytes(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false)), etag);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <inheritdoc />
    public Task<string?> GetETagAsync(string container, string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(ETagOf(PathOf(container, name)));

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ListAsync(string container, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        int slash = prefix.LastIndexOf('/');
        if (slash > 0)
        {
            BlobNames.Check(container, prefix[..slash]);
        }

        // Only the deepest folder the prefix names is walked, not the whole container.
        string containerFolder = Path.Combine(root, container);
        string folder = slash > 0 ? Path.Combine(containerFolder, prefix[..slash].Replace('/', Path.DirectorySeparatorChar)) : containerFolder;
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        var names = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(containerFolder, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        foreach (string name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return name;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        string path = PathOf(container, name);
        if (!File.Exists(path))
        {
            return Task.FromResult(false);
        }

        File.Delete(path);
        return Task.FromResult(true);
    }

    string PathOf(string container, string name)
    {
        BlobNames.Check(container, name);
        return Path.Combine(root, container, name.Replace('/', Path.DirectorySeparatorChar));
    }

    SemaphoreSlim GateOf(string path) => stripes[(StringComparer.Ordinal.GetHashCode(path) & int.MaxValue) % stripes.Length];

    static string? ETagOf(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? $"\"{file.LastWriteTimeUtc.Ticks:x}-{file.Length:x}\"" : null;
    }
}
