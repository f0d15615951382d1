using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace DurableCrews.Storage;

/// <summary>The <see cref="IBlobStore"/> over Azure Blob Storage (or Azurite); ETag conditions map to blob request conditions.</summary>
public sealed class AzureBlobStore : IBlobStore
{
    readonly BlobServiceClient service;
    readonly ConcurrentDictionary<string, Lazy<Task<BlobContainerClient>>> containers = new(StringComparer.Ordinal);

    /// <summary>Creates the store over a blob service client.</summary>
    public AzureBlobStore(BlobServiceClient service)
    {
        ArgumentNullException.ThrowIfNull(service);
        this.service = service;
    }

    /// <inheritdoc />
    public async Task<string> PutAsync(string container, string name, BinaryData content, BlobCondition? condition = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        BlobNames.Check(container, name);
        var blob = (await ContainerAsync(container, cancellationToken).ConfigureAwait(false)).GetBlobClient(name);
        var options = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = ContentTypeOf(name) },
            Conditions = condition switch
            {
                null => null,
                { MustNotExist: true } => new BlobRequestConditions { IfNoneMatch = ETag.All },
                { IfMatch: { } etag } => new BlobRequestConditions { IfMatch = new ETag(etag) },
                _ => null,
            },
        };

        try
        {
            var response = await blob.UploadAsync(content, options, cancellationToken).ConfigureAwait(false);
            return response.Value.ETag.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed
            || (ex.Status == (int)HttpStatusCode.NotFound && condition?.IfMatch is not null))
        {
            throw new BlobConditionFailedException(container, name, ex);
        }
    }

    /// <inheritdoc />
    public async Task<StoredBlob?> GetAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        BlobNames.Check(container, name);
        var blob = (await ContainerAsync(container, cancellationToken).ConfigureAwait(false)).GetBlobClient(name);
        try
        {
            var response = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return new StoredBlob(response.Value.Content, response.Value.Details.ETag.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<string?> GetETagAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        BlobNames.Check(container, name);
        var blob = (await ContainerAsync(container, cancellationToken).ConfigureAwait(false)).GetBlobClient(name);
        try
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return properties.Value.ETag.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ListAsync(string container, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var client = await ContainerAsync(container, cancellationToken).ConfigureAwait(false);
        await foreach (var item in client.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix.Length == 0 ? null : prefix, cancellationToken).ConfigureAwait(false))
        {
            yield return item.Name;
        }
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        BlobNames.Check(container, name);
        var blob = (await ContainerAsync(container, cancellationToken).ConfigureAwait(false)).GetBlobClient(name);
        var response = await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.Value;
    }

    async Task<BlobContainerClient> ContainerAsync(string name, CancellationToken cancellationToken)
    {
        var created = containers.GetOrAdd(name, n => new Lazy<Task<BlobContainerClient>>(async () =>
        {
            var client = service.GetBlobContainerClient(n);
            await client.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            return client;
        }));

        try
        {
            return await created.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException)
        {
            // A failed creation is not remembered: the next call tries again.
            containers.TryRemove(KeyValuePair.Create(name, created));
            throw;
        }
    }

    static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".json" => "application/json",
        ".md" => "text/markdown; charset=utf-8",
        ".html" => "text/html; charset=utf-8",
        ".yaml" or ".yml" => "application/yaml",
        _ => "application/octet-stream",
    };
}
