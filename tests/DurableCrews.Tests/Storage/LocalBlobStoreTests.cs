using DurableCrews.Storage;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Storage;

/// <summary>The embedded store passes the blob store contract.</summary>
public sealed class LocalBlobStoreTests : BlobStoreContract, IDisposable
{
    readonly TempFolder folder = new();

    public LocalBlobStoreTests() => Store = new LocalBlobStore(folder.Path);

    protected override IBlobStore Store { get; }

    public void Dispose() => folder.Dispose();
}
