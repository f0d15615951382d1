using Azure.Storage.Blobs;
using DurableCrews.Storage;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Memory;

/// <summary>The memory store over the embedded store.</summary>
public sealed class LocalMemoryStoreTests : MemoryStoreContract, IDisposable
{
    readonly TempFolder folder = new();

    public LocalMemoryStoreTests() => Blobs = new LocalBlobStore(folder.Path);

    protected override IBlobStore Blobs { get; }

    public void Dispose() => folder.Dispose();
}

/// <summary>The memory store over Azure Blob Storage (Azurite).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureMemoryStoreTests(Azurite azurite) : MemoryStoreContract
{
    protected override IBlobStore Blobs { get; } = new AzureBlobStore(new BlobServiceClient(azurite.ConnectionString));
}
