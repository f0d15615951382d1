using DurableCrews.Models;
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

    [Fact]
    public async Task Search_returns_the_most_similar_memories_first()
    {
        var store = new MemoryStore(Blobs);
        await store.SaveAsync(MemoryScope.LongTerm(Crew), [Record("1", "kafka ingestion pipeline throughput"), Record("2", "quarterly revenue dashboard in power bi"), Record("3", "kafka consumer lag alerting")]);

        var matches = await store.SearchAsync(MemoryScope.LongTerm(Crew), embedder.Embed("kafka pipeline"), top: 2);

        Assert.Equal(["1", "3"], matches.Select(m => m.Memory.Id));
    }

    [Fact]
    public async Task Equal_scores_go_to_the_newer_memory()
    {
        var store = new MemoryStore(Blobs);
        await store.SaveAsync(MemoryScope.LongTerm(Crew), [Record("old", "schema registry", minutes: 1), Record("new", "schema registry", minutes: 2)]);

        var matches = await store.SearchAsync(MemoryScope.LongTerm(Crew), embedder.Embed("schema registry"), top: 1);

        Assert.Equal("new", matches.Single().Memory.Id);
    }

    [Fact]
    public async Task Concurrent_saves_to_one_scope_lose_nothing()
    {
        var store = new MemoryStore(Blobs);
        var scope = MemoryScope.ShortTerm($"run-{Guid.NewGuid():N}");

        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => store.SaveAsync(scope, [Record($"r{i}", $"result number {i}", MemoryKind.ShortTerm)]))));

        var saved = await new MemoryStore(Blobs).ListAsync(scope);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"r{i}").Order(), saved.Select(r => r.Id).Order());
    }

    [Fact]
    public async Task Entity_saved_twice_is_one_record_with_both_descriptions()
    {
        var store = new MemoryStore(Blobs);
        await store.SaveAsync(MemoryScope.Entities(Crew), [Record("kafka", "Kafka: the event bus.", MemoryKind.Entity)]);
        await store.SaveAsync(MemoryScope.Entities(Crew), [Record("kafka", "Kafka: retains seven days.", MemoryKind.Entity)]);

        var entity = Assert.Single(await store.ListAsync(MemoryScope.Entities(Crew)));
        Assert.Equal("Kafka: the event bus. Kafka: retains seven days.", entity.Text);
    }

    [Fact]
    public async Task Vectors_survive_the_round_trip_through_the_index_blob()
    {
        var original = Record("v", "vectors are stored as float32");
        await new MemoryStore(Blobs).SaveAsync(MemoryScope.LongTerm(Crew), [original]);

        var read = Assert.Single(await new MemoryStore(Blobs).ListAsync(MemoryScope.LongTerm(Crew)));

        Assert.Equal(original.Vector, read.Vector);
    }

    [Fact]
    public async Task Reset_forgets_the_crews_long_term_and_entity_memory()
    {
        var store = new MemoryStore(Blobs);
        await store.SaveAsync(MemoryScope.LongTerm(Crew), [Record("1", "a result")]);
        await store.SaveAsync(MemoryScope.Entities(Crew), [Record("e", "E: a thing", MemoryKind.Entity)]);

        Assert.Equal(2, await store.ResetAsync(Crew));
        Assert.Empty(await store.ListAsync(MemoryScope.LongTerm(Crew)));
        Assert.Empty(await store.ListAsync(MemoryScope.Entities(Crew)));
    }
}
