using DurableCrews.Agents;
using DurableCrews.Runs;
using DurableCrews.Storage;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Storage;

/// <summary>
/// A work whose blob could not be written (storage out, then the process gone) is kept on this machine's disk, and the
/// next read of it here finishes the write and answers with it; a kept copy storage has overtaken is forgotten.
/// </summary>
public sealed class WorkSpoolTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    static AgentWorkState Work(int turns, int modelCalls = 0) => new()
    {
        RunId = "spooled",
        Key = "t0",
        Kind = "task",
        Agent = "a role",
        Model = "offline",
        Turns = turns,
        Messages = Conversation.Save([]),
        ModelCalls = Enumerable.Range(0, modelCalls).Select(i => new ModelCallRecord { Turn = i, Model = "offline" }).ToList(),
        StartedAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public async Task A_work_whose_write_failed_is_read_back_from_the_spool_and_written_to_storage()
    {
        var storage = new LocalBlobStore(Path.Combine(folder.Path, "storage"));
        string spoolPath = Path.Combine(folder.Path, "spool");
        var before = new RunStore(storage, spool: new WorkSpool(spoolPath));
        await before.SaveWorkAsync(Work(turns: 1));
        var down = new RunStore(new StorageDown(storage), spool: new WorkSpool(spoolPath));

        await Assert.ThrowsAsync<IOException>(() => down.SaveWorkAsync(Work(turns: 2, modelCalls: 2)));
        var after = new RunStore(storage, spool: new WorkSpool(spoolPath));
        var read = await after.GetWorkAsync("spooled", "t0");
        var withoutSpool = await new RunStore(storage).GetWorkAsync("spooled", "t0");

        Assert.Equal((2, 2), (read!.Turns, read.ModelCalls.Count));
        Assert.Equal(2, withoutSpool!.Turns);
        Assert.Empty(Directory.EnumerateFiles(spoolPath, "*.json"));
    }

    [Fact]
    public async Task A_kept_work_that_storage_has_overtaken_is_forgotten_and_storage_answers()
    {
        var storage = new LocalBlobStore(Path.Combine(folder.Path, "storage"));
        var spool = new WorkSpool(Path.Combine(folder.Path, "spool"));
        var store = new RunStore(storage, spool: spool);
        spool.Keep(RunBlobs.WorkBlob("spooled", "t0"), CrewJson.ToBinary(Work(turns: 1)));
        await new RunStore(storage).SaveWorkAsync(Work(turns: 3));

        var read = await store.GetWorkAsync("spooled", "t0");

        Assert.Equal(3, read!.Turns);
        Assert.Null(spool.Read(RunBlobs.WorkBlob("spooled", "t0")));
    }

    [Theory]
    [InlineData(2, 0, 1, 5, true)]
    [InlineData(1, 5, 2, 0, false)]
    [InlineData(2, 3, 2, 2, true)]
    [InlineData(2, 2, 2, 2, false)]
    [InlineData(2, 1, 2, 2, false)]
    public void A_kept_work_is_ahead_with_more_turns_or_as_many_with_more_calls(int keptTurns, int keptCalls, int storedTurns, int storedCalls, bool ahead) =>
        Assert.Equal(ahead, WorkSpool.IsAhead(Work(keptTurns, keptCalls), Work(storedTurns, storedCalls)));

    [Fact]
    public void The_embedded_store_has_no_spool_and_each_storage_account_its_own()
    {
        var a = WorkSpool.For(new StorageOptions { ConnectionString = "UseDevelopmentStorage=true" });
        var b = WorkSpool.For(new StorageOptions { BlobServiceUri = new Uri("https://account.blob.core.windows.net") });

        Assert.Null(WorkSpool.For(new StorageOptions()));
        Assert.NotNull(a);
        Assert.NotNull(b);
    }

    sealed class StorageDown(IBlobStore inner) : IBlobStore
    {
        public Task<string> PutAsync(string container, string name, BinaryData content, BlobCondition? condition = null, CancellationToken cancellationToken = default) =>
            throw new IOException("storage is down");

        public Task<StoredBlob?> GetAsync(string container, string name, CancellationToken cancellationToken = default) => inner.GetAsync(container, name, cancellationToken);

        public Task<string?> GetETagAsync(string container, string name, CancellationToken cancellationToken = default) => inner.GetETagAsync(container, name, cancellationToken);

        public IAsyncEnumerable<string> ListAsync(string container, string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(container, prefix, cancellationToken);

        public Task<bool> DeleteAsync(string container, string name, CancellationToken cancellationToken = default) => inner.DeleteAsync(container, name, cancellationToken);
    }
}
