using System.Runtime.InteropServices;
using DurableCrews.Models;
using DurableCrews.Runs;
using DurableCrews.Storage;

namespace DurableCrews.Tests.Memory;

/// <summary>The memory store's behaviour, the same over every blob store.</summary>
public abstract class MemoryStoreContract
{
    readonly OfflineEmbeddingGenerator embedder = new(64);

    protected abstract IBlobStore Blobs { get; }

    string Crew { get; } = $"crew-{Guid.NewGuid():N}"[..30];

    MemoryRecord Record(string id, string text, MemoryKind kind = MemoryKind.LongTerm, int minutes = 0) => new()
    {
        Id = id,
        Kind = kind,
        Text = text,
        CreatedAt = new DateTimeOffset(2026, 11, 1, 12, minutes, 0, TimeSpan.Zero),
        Vector = embedder.Embed(text),
    };

    async Task<List<string>> SegmentsAsync(MemoryScope scope)
    {
        var names = new List<string>();
        await foreach (string name in Blobs.ListAsync(scope.Container, scope.Prefix + "/"))
        {
            names.Add(name);
        }

        return names.Where(n => n.EndsWith(".seg", StringComparison.Ordinal)).ToList();
    }

    [Fact]
    public async Task Search_returns_the_most_similar_memories_first()
    {
        var store = MemoryStore.Create(Blobs);
        await store.SaveAsync(MemoryScope.LongTerm(Crew), [Record("1", "kafka ingestion pipeline throughput"), Record("2", "quarterly revenue dashboard in power bi"), Record("3", "kafka consumer lag alerting")]);

        var matches = await store.SearchAsync(MemoryScope.LongTerm(Crew), embedder.Embed("kafka pipeline"), top: 2);

        Assert.Equal(["1", "3"], matches.Select(m => m.Memory.Id));
    }

    [Fact]
    public async Task Search_over_several_scopes_ranks_them_together()
    {
        var store = MemoryStore.Create(Blobs);
        await store.SaveAsync(MemoryScope.LongTerm(Crew), [Record("long", "kafka consumer lag alerting"), Record("other", "quarterly revenue")]);
        await store.SaveAsync(MemoryScope.Entities(Crew), [Record("kafka", "Kafka: kafka pipeline bus", MemoryKind.Entity)]);

        var matches = await store.SearchAsync([MemoryScope.LongTerm(Crew), MemoryScope.Entities(Crew)], embedder.Embed("kafka pipeline"), top: 2);

        Assert.Equal(["kafka", "long"], matches.Select(m => m.Memory.Id));
    }

    [Fact]
    public async Task Equal_scores_go_to_the_newer_memory()
    {
        var store = MemoryStore.Create(Blobs);
        await store.SaveAsync(MemoryScope.LongTerm(Crew), [Record("old", "schema registry", minutes: 1), Record("new", "schema registry", minutes: 2)]);

        var matches = await store.SearchAsync(MemoryScope.LongTerm(Crew), embedder.Embed("schema registry"), top: 1);

        Assert.Equal("new", matches.Single().Memory.Id);
    }

    [Fact]
    public async Task Sixteen_writers_saving_in_parallel_while_the_scope_is_compacted_lose_nothing()
    {
        var scope = MemoryScope.LongTerm(Crew);
        var compactor = MemoryStore.Create(Blobs, new MemoryOptions { CompactAfterSegments = 4 });
        using var done = new CancellationTokenSource();
        int compacted = 0;
        var compacting = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                compacted += await compactor.CompactAsync(scope);
            }
        });

        // 16 writers, each with its own store (as separate workers would be), 5 saves of 4 records each.
        await Task.WhenAll(Enumerable.Range(0, 16).Select(writer => Task.Run(async () =>
        {
            var store = MemoryStore.Create(Blobs);
            for (int save = 0; save < 5; save++)
            {
                await store.SaveAsync(scope, Enumerable.Range(0, 4).Select(i => Record($"w{writer}-s{save}-r{i}", $"writer {writer} save {save} record {i}")).ToList());
            }
        })));
        await done.CancelAsync();
        await compacting;
        compacted += await compactor.CompactAsync(scope, force: true);

        var saved = await MemoryStore.Create(Blobs).ListAsync(scope);
        Assert.Equal(16 * 5 * 4, saved.Count);
        Assert.Equal(saved.Count, saved.Select(r => r.Id).Distinct().Count());
        Assert.True(compacted >= 2, $"compaction merged {compacted} segments");
        Assert.Single(await SegmentsAsync(scope));
    }

    [Fact]
    public async Task A_save_writes_one_new_segment_and_leaves_the_others_as_they_were()
    {
        var store = MemoryStore.Create(Blobs);
        var scope = MemoryScope.LongTerm(Crew);
        await store.SaveAsync(scope, [Record("1", "first result"), Record("2", "second result")]);
        var before = await SegmentsAsync(scope);
        string etag = (await Blobs.GetETagAsync(scope.Container, before.Single()))!;

        await store.SaveAsync(scope, [Record("3", "third result")]);

        var after = await SegmentsAsync(scope);
        Assert.Equal(2, after.Count);
        Assert.Contains(before.Single(), after);
        Assert.Equal(etag, await Blobs.GetETagAsync(scope.Container, before.Single()));
        Assert.Equal(["1", "2", "3"], (await store.ListAsync(scope)).Select(r => r.Id));
    }

    [Fact]
    public async Task Entity_saved_twice_is_one_record_with_both_descriptions()
    {
        var store = MemoryStore.Create(Blobs);
        await store.SaveAsync(MemoryScope.Entities(Crew), [Record("kafka", "Kafka: the event bus.", MemoryKind.Entity)]);
        await store.SaveAsync(MemoryScope.Entities(Crew), [Record("kafka", "Kafka: retains seven days.", MemoryKind.Entity)]);

        var entity = Assert.Single(await store.ListAsync(MemoryScope.Entities(Crew)));
        Assert.Equal("Kafka: the event bus. Kafka: retains seven days.", entity.Text);
        var found = Assert.Single(await MemoryStore.Create(Blobs).SearchAsync(MemoryScope.Entities(Crew), embedder.Embed("kafka"), top: 3));
        Assert.Equal("Kafka: the event bus. Kafka: retains seven days.", found.Memory.Text);
    }

    [Fact]
    public async Task Forgotten_records_leave_every_view_and_an_entity_goes_with_all_its_versions()
    {
        var store = MemoryStore.Create(Blobs);
        await store.SaveAsync(MemoryScope.Entities(Crew), [Record("kafka", "Kafka: the event bus.", MemoryKind.Entity), Record("flink", "Flink: streams.", MemoryKind.Entity)]);
        await store.SaveAsync(MemoryScope.Entities(Crew), [Record("kafka", "Kafka: retains seven days.", MemoryKind.Entity)]);

        await store.ForgetAsync(MemoryScope.Entities(Crew), ["kafka"]);

        Assert.Equal(["flink"], (await store.ListAsync(MemoryScope.Entities(Crew))).Select(r => r.Id));
        Assert.DoesNotContain(await MemoryStore.Create(Blobs).SearchAsync(MemoryScope.Entities(Crew), embedder.Embed("Kafka event bus"), top: 5), m => m.Memory.Id == "kafka");

        await store.SaveAsync(MemoryScope.Entities(Crew), [Record("kafka", "Kafka: saved again.", MemoryKind.Entity)]);
        Assert.Equal("Kafka: saved again.", (await store.ListAsync(MemoryScope.Entities(Crew))).Single(r => r.Id == "kafka").Text);
    }

    [Fact]
    public async Task Compaction_keeps_the_merged_view_records_searches_and_deletions()
    {
        var store = MemoryStore.Create(Blobs, new MemoryOptions { CompactAfterSegments = 4 });
        var scope = MemoryScope.Entities(Crew);
        await store.SaveAsync(scope, [Record("old", "Old: an entity from before.", MemoryKind.Entity)]);
        await store.SaveAsync(scope, [Record("kafka", "Kafka: the event bus.", MemoryKind.Entity)]);
        for (int i = 0; i < 6; i++)
        {
            await store.SaveAsync(scope, [Record($"e{i}", $"E{i}: entity number {i}.", MemoryKind.Entity)]);
        }

        await store.SaveAsync(scope, [Record("kafka", "Kafka: retains seven days.", MemoryKind.Entity)]);
        await store.ForgetAsync(scope, ["e3"]);
        var listed = await store.ListAsync(scope);
        var searched = await store.SearchAsync(scope, embedder.Embed("kafka event bus days"), top: 3);

        int merged = await store.CompactAsync(scope);

        Assert.True(merged >= 2, $"merged {merged}");
        Assert.True((await SegmentsAsync(scope)).Count < 10);
        var fresh = MemoryStore.Create(Blobs);
        Assert.Equal(listed.Select(r => (r.Id, r.Text)).Order(), (await fresh.ListAsync(scope)).Select(r => (r.Id, r.Text)).Order());
        Assert.Equal(searched.Select(m => (m.Memory.Id, m.Memory.Text)), (await fresh.SearchAsync(scope, embedder.Embed("kafka event bus days"), top: 3)).Select(m => (m.Memory.Id, m.Memory.Text)));
        Assert.DoesNotContain(await fresh.ListAsync(scope), r => r.Id == "e3");
        Assert.Equal("Kafka: the event bus. Kafka: retains seven days.", (await fresh.ListAsync(scope)).Single(r => r.Id == "kafka").Text);
    }

    [Fact]
    public async Task Vectors_survive_the_round_trip_within_a_thirtieth_of_an_int8_step_and_exactly_in_float32()
    {
        var original = Record("v", "vectors are stored compactly");
        await MemoryStore.Create(Blobs).SaveAsync(MemoryScope.LongTerm(Crew), [original]);
        await MemoryStore.Create(Blobs, new MemoryOptions { Encoding = MemoryEncoding.Float32 }).SaveAsync(MemoryScope.Entities(Crew), [original with { Kind = MemoryKind.Entity }]);

        var compact = Assert.Single(await MemoryStore.Create(Blobs).ListAsync(MemoryScope.LongTerm(Crew)));
        var full = Assert.Single(await MemoryStore.Create(Blobs).ListAsync(MemoryScope.Entities(Crew)));

        float step = original.Vector.Max(Math.Abs) / 127f;
        Assert.All(original.Vector.Zip(compact.Vector), pair => Assert.InRange(Math.Abs(pair.First - pair.Second), 0, (step / 30) + 1e-6));
        Assert.Equal(original.Vector, full.Vector);
        Assert.Equal((original.Id, original.Kind, original.Text, original.CreatedAt), (compact.Id, compact.Kind, compact.Text, compact.CreatedAt));
    }

    [Fact]
    public async Task Reset_forgets_the_crews_long_term_and_entity_memory()
    {
        var store = MemoryStore.Create(Blobs);
        await store.SaveAsync(MemoryScope.LongTerm(Crew), [Record("1", "a result")]);
        await store.SaveAsync(MemoryScope.Entities(Crew), [Record("e", "E: a thing", MemoryKind.Entity)]);
        Assert.Single(await store.ListAsync(MemoryScope.LongTerm(Crew)));

        Assert.Equal(2, await store.ResetAsync(Crew));
        Assert.Empty(await store.ListAsync(MemoryScope.LongTerm(Crew)));
        Assert.Empty(await store.ListAsync(MemoryScope.Entities(Crew)));
    }

    [Fact]
    public async Task An_index_blob_from_before_segments_is_migrated_once_and_deleted()
    {
        var scope = MemoryScope.LongTerm(Crew);
        var records = new[] { Record("a", "kafka ingestion pipeline"), Record("b", "revenue dashboard") };
        var legacy = new
        {
            Records = records.Select(r => new { Memory = r with { Vector = [] }, Vector = Convert.ToBase64String(MemoryMarshal.AsBytes(r.Vector.AsSpan())) }).ToList(),
        };
        await Blobs.PutAsync(scope.Container, scope.LegacyBlobName, CrewJson.ToBinary(legacy));

        var matches = await MemoryStore.Create(Blobs).SearchAsync(scope, embedder.Embed("kafka pipeline"), top: 1);

        Assert.Equal("a", matches.Single().Memory.Id);
        Assert.Null(await Blobs.GetETagAsync(scope.Container, scope.LegacyBlobName));
        Assert.Single(await SegmentsAsync(scope));
        Assert.Equal(["a", "b"], (await MemoryStore.Create(Blobs).ListAsync(scope)).Select(r => r.Id));
    }

    [Fact]
    public async Task A_damaged_segment_is_left_out_and_the_rest_is_still_searched()
    {
        var scope = MemoryScope.LongTerm(Crew);
        var store = MemoryStore.Create(Blobs);
        await store.SaveAsync(scope, [Record("good", "kafka ingestion pipeline")]);
        await Blobs.PutAsync(scope.Container, $"{scope.Prefix}/0000000000000001-00000000.3.seg", BinaryData.FromBytes("DCMSEG\0\u0001 not a segment"u8.ToArray()));
        await Blobs.PutAsync(scope.Container, $"{scope.Prefix}/0000000000000002-00000000.1.seg", BinaryData.FromString("{\"records\": []}"));

        var matches = await MemoryStore.Create(Blobs).SearchAsync(scope, embedder.Embed("kafka pipeline"), top: 3);

        Assert.Equal("good", matches.Single().Memory.Id);
    }

    [Fact]
    public async Task Searches_stay_right_when_the_cache_budget_holds_less_than_the_scope()
    {
        var scope = MemoryScope.LongTerm(Crew);
        var store = MemoryStore.Create(Blobs, new MemoryOptions { CacheMegabytes = 1 });
        var big = Enumerable.Range(0, 6000).Select(i => Record($"n{i}", $"filler record number {i} about nothing")).ToList();
        await store.SaveAsync(scope, big.Take(3000).ToList());
        await store.SaveAsync(scope, [Record("needle", "kafka ingestion pipeline throughput")]);
        await store.SaveAsync(scope, big.Skip(3000).ToList());

        for (int i = 0; i < 3; i++)
        {
            var matches = await store.SearchAsync(scope, embedder.Embed("kafka ingestion pipeline"), top: 1);
            Assert.Equal("needle", matches.Single().Memory.Id);
            Assert.InRange(store.CachedBytes, 0, 2 * 1024 * 1024);
        }
    }
}
