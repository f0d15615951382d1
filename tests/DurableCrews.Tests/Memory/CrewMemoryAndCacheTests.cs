using DurableCrews.Agents;
using DurableCrews.Definitions;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Memory;

/// <summary>Memory and cache across runs of one crew, on the real engine.</summary>
public sealed class CrewMemoryAndCacheTests
{
    static CrewDefinition Crew(bool memory = false, bool cache = false) =>
        new CrewBuilder().Named("memory-crew").Agent("analyst").Agent("writer")
            .Task("analyse", "analyst").Task("write", "writer").Build() with { Memory = memory, Cache = cache };

    [Fact]
    public async Task Second_run_prompts_carry_memories_saved_by_the_first_run()
    {
        var chat = new ScriptedChatClient(r => $"The Kafka ingestion layer feeds the Snowflake warehouse for {r.TaskLine}.");
        await using var harness = await EngineHarness.StartAsync(chat);
        var first = await harness.RunAsync(Crew(memory: true), runId: "first-run");

        var second = await harness.RunAsync(Crew(memory: true), runId: "second-run");

        var transcript = await harness.Runs.GetTranscriptAsync("second-run", 0, "analyse");
        string prompt = transcript!.Messages.Single(m => m.Role == "user").Text;
        Assert.Contains(PromptSections.Memory, prompt, StringComparison.Ordinal);
        Assert.Contains("[earlier run, analyse by analyst role", prompt, StringComparison.Ordinal);
        Assert.Equal(CrewRunStatus.Completed, first.Status);
        Assert.Equal(CrewRunStatus.Completed, second.Status);
    }

    [Fact]
    public async Task Entities_named_in_results_are_remembered_with_a_description()
    {
        var chat = new ScriptedChatClient(_ => "We land events in Azure Data Lake. The ETL jobs run nightly.");
        await using var harness = await EngineHarness.StartAsync(chat);

        await harness.RunAsync(Crew(memory: true));

        var store = DurableCrews.Storage.MemoryStore.Create(harness.Blobs);
        var entities = await store.ListAsync(DurableCrews.Storage.MemoryScope.Entities("memory-crew"));
        Assert.Contains(entities, e => e.Id == "azure data lake" && e.Text.Contains("We land events", StringComparison.Ordinal));
        Assert.Contains(entities, e => e.Id == "etl");
    }

    [Fact]
    public async Task Crew_without_memory_sends_no_memory_section()
    {
        var chat = new ScriptedChatClient();
        await using var harness = await EngineHarness.StartAsync(chat);
        await harness.RunAsync(Crew(memory: false));

        await harness.RunAsync(Crew(memory: false));

        Assert.DoesNotContain(chat.Requests, r => r.Prompt.Contains(PromptSections.Memory, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Second_run_with_cache_makes_no_model_calls_and_reports_the_hits()
    {
        var chat = new ScriptedChatClient();
        await using var harness = await EngineHarness.StartAsync(chat);
        var first = await harness.RunAsync(Crew(cache: true));
        int callsAfterFirst = chat.Requests.Count;

        var second = await harness.RunAsync(Crew(cache: true));

        Assert.Equal(2, callsAfterFirst);
        Assert.Equal(callsAfterFirst, chat.Requests.Count);
        Assert.Equal(2, second.Output!.TokenUsage.CacheHits);
        Assert.Equal(2, first.Output!.TokenUsage.CacheMisses);
        Assert.Equal(first.Output.Raw, second.Output.Raw);
    }

    [Fact]
    public async Task Failed_model_calls_are_not_cached()
    {
        int calls = 0;
        var chat = new ScriptedChatClient(_ => Interlocked.Increment(ref calls) == 1 ? throw new TimeoutException("flaky") : "ok");
        await using var harness = await EngineHarness.StartAsync(chat);
        var crew = new CrewBuilder().Agent("a", maxRetryLimit: 1).Task("only", "a").Build() with { Cache = true };

        var run = await harness.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal("ok", run.Output!.Raw);
        Assert.Equal(2, calls);
    }
}
