using DurableCrews.Storage;

namespace DurableCrews.Tests.Storage;

/// <summary>The <see cref="IBlobStore"/> contract: every implementation passes these same tests.</summary>
public abstract class BlobStoreContract
{
    protected abstract IBlobStore Store { get; }

    string Prefix { get; } = $"contract-{Guid.NewGuid():N}/";

    [Fact]
    public async Task Put_then_get_returns_the_content_and_the_same_etag()
    {
        string etag = await Store.PutAsync("crew-runs", Prefix + "a.json", BinaryData.FromString("{\"x\":1}"));

        var blob = await Store.GetAsync("crew-runs", Prefix + "a.json");

        Assert.Equal("{\"x\":1}", blob!.Content.ToString());
        Assert.Equal(etag, blob.ETag);
    }

    [Fact]
    public async Task ETag_alone_matches_the_write_and_changes_on_the_next_write()
    {
        string first = await Store.PutAsync("crew-runs", Prefix + "e.json", BinaryData.FromString("same"));
        Assert.Equal(first, await Store.GetETagAsync("crew-runs", Prefix + "e.json"));

        string second = await Store.PutAsync("crew-runs", Prefix + "e.json", BinaryData.FromString("same"));

        Assert.NotEqual(first, second);
        Assert.Equal(second, await Store.GetETagAsync("crew-runs", Prefix + "e.json"));
        Assert.Null(await Store.GetETagAsync("crew-runs", Prefix + "none.json"));
    }

    [Fact]
    public async Task Get_of_a_missing_blob_is_null()
    {
        Assert.Null(await Store.GetAsync("crew-runs", Prefix + "missing.json"));
    }

    [Fact]
    public async Task Create_only_write_fails_when_the_blob_exists()
    {
        await Store.PutAsync("crew-runs", Prefix + "once.json", BinaryData.FromString("first"), BlobCondition.IfNotExists);

        await Assert.ThrowsAsync<BlobConditionFailedException>(() =>
            Store.PutAsync("crew-runs", Prefix + "once.json", BinaryData.FromString("second"), BlobCondition.IfNotExists));
        Assert.Equal("first", (await Store.GetAsync("crew-runs", Prefix + "once.json"))!.Content.ToString());
    }

    [Fact]
    public async Task Write_conditioned_on_a_stale_etag_fails()
    {
        string stale = await Store.PutAsync("crew-runs", Prefix + "v.json", BinaryData.FromString("1"));
        await Store.PutAsync("crew-runs", Prefix + "v.json", BinaryData.FromString("2"));

        await Assert.ThrowsAsync<BlobConditionFailedException>(() =>
            Store.PutAsync("crew-runs", Prefix + "v.json", BinaryData.FromString("3"), BlobCondition.IfUnchanged(stale)));
    }

    [Fact]
    public async Task Concurrent_read_modify_write_with_etags_loses_no_update()
    {
        string name = Prefix + "counter.txt";
        await Store.PutAsync("crew-memory", name, BinaryData.FromString("0"));

        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var current = (await Store.GetAsync("crew-memory", name))!;
                int next = int.Parse(current.Content.ToString(), System.Globalization.CultureInfo.InvariantCulture) + 1;
                try
                {
                    await Store.PutAsync("crew-memory", name, BinaryData.FromString($"{next}"), BlobCondition.IfUnchanged(current.ETag));
                    return;
                }
                catch (BlobConditionFailedException)
                {
                    // Another writer won; read again and retry.
                }
            }
        })));

        Assert.Equal("16", (await Store.GetAsync("crew-memory", name))!.Content.ToString());
    }

    [Fact]
    public async Task List_returns_the_names_under_a_prefix_in_ordinal_order()
    {
        foreach (string name in new[] { "b/2.json", "a.json", "b/1.json" })
        {
            await Store.PutAsync("crew-runs", Prefix + name, BinaryData.FromString("x"));
        }

        await Store.PutAsync("crew-runs", "other-" + Prefix + "c.json", BinaryData.FromString("x"));

        var names = new List<string>();
        await foreach (string name in Store.ListAsync("crew-runs", Prefix))
        {
            names.Add(name[Prefix.Length..]);
        }

        Assert.Equal(["a.json", "b/1.json", "b/2.json"], names);
    }

    [Fact]
    public async Task Delete_removes_the_blob_and_reports_whether_it_existed()
    {
        await Store.PutAsync("crew-cache", Prefix + "gone.json", BinaryData.FromString("x"));

        Assert.True(await Store.DeleteAsync("crew-cache", Prefix + "gone.json"));
        Assert.False(await Store.DeleteAsync("crew-cache", Prefix + "gone.json"));
        Assert.Null(await Store.GetAsync("crew-cache", Prefix + "gone.json"));
    }

    [Theory]
    [InlineData("../escape.json")]
    [InlineData("/rooted.json")]
    [InlineData("a/../../b.json")]
    [InlineData("back\\slash.json")]
    public async Task Names_that_could_escape_their_place_are_rejected(string name)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync("crew-runs", name, BinaryData.FromString("x")));
    }
}
