using Azure.Storage.Blobs;
using DurableCrews.Storage;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Storage;

/// <summary>The Azure Blob store, against a real Azurite, passes the blob store contract.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobStoreTests(Azurite azurite) : BlobStoreContract
{
    protected override IBlobStore Store { get; } = new AzureBlobStore(new BlobServiceClient(azurite.ConnectionString));
}
