using System.Net;
using DurableCrews.Agents;
using DurableCrews.Api;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Runs;
using DurableCrews.Storage;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Memory;

/// <summary>Knowledge sources: read from crew definitions, chunked, embedded once per content, searched before each task.</summary>
public sealed class KnowledgeTests : IDisposable
{
    const string Agents = """
        analyst:
          role: Analyst
          goal: Answer questions about the product
          backstory: Knows the docs
          knowledge_sources:
            - type: csv
              file: prices.csv
        writer:
          role: Writer
          goal: Write
          backstory: Writes
        """;

    const string Tasks = """
        answer:
          description: What does the retention policy of the event bus say?
          expected_output: The retention policy
          agent: analyst
        """;

    const string Crew = """
        name: product-desk
        knowledge_sources:
          - guide.md
          - type: string
            name: facts
            content: The event bus keeps messages for seven days of retention before they are compacted.
          - type: JSONKnowledgeSource
            file_paths: [limits.json]
        knowledge_config: { results_limit: 2, score_threshold: 0.1 }
        """;

    readonly TempFolder folder = new();

    public KnowledgeTests()
    {
        File.WriteAllText(Path.Combine(folder.Path, "agents.yaml"), Agents);
        File.WriteAllText(Path.Combine(folder.Path, "tasks.yaml"), Tasks);
        File.WriteAllText(Path.Combine(folder.Path, "crew.yaml"), Crew);
        Directory.CreateDirectory(Path.Combine(folder.Path, "knowledge"));
        File.WriteAllText(Path.Combine(folder.Path, "knowledge", "guide.md"), "# Guide\n\nDashboards show revenue by quarter.\n\nAlerts page the on-call engineer.");
        File.WriteAllText(Path.Combine(folder.Path, "knowledge", "prices.csv"), "plan,price,seats\nstarter,10,\"3, shared\"\nteam,50,25\n");
        File.WriteAllText(Path.Combine(folder.Path, "knowledge", "limits.json"), """{"api": {"requests_per_minute": 600, "regions": ["westeurope", "eastus"]}}""");
    }

    public void Dispose() => folder.Dispose();

    CrewDefinition Load()
    {
        var loaded = CrewDefinitionLoader.Load(folder.Path);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Problems));
        return loaded.Definition!;
    }

    static CrewKnowledge Knowledge(IBlobStore blobs) =>
        new(MemoryStore.Create(blobs), new EmbedderProvider(Microsoft.Extensions.Options.Options.Create(new EmbeddingOptions()), Microsoft.Extensions.Options.Options.Create(new ModelOptions())));

    [Fact]
    public void Crew_and_agent_sources_are_read_from_the_knowledge_folder_with_CrewAI_names()
    {
        var crew = Load();

        Assert.Equal(["knowledge/guide.md", "facts", "knowledge/limits.json"], crew.KnowledgeSources.Select(s => s.Name));
        Assert.Equal([KnowledgeSourceKind.Markdown, KnowledgeSourceKind.String, KnowledgeSourceKind.Json], crew.KnowledgeSources.Select(s => s.Kind));
        Assert.Equal(new KnowledgeConfig { ResultsLimit = 2, ScoreThreshold = 0.1 }, crew.KnowledgeConfig);
        var analyst = crew.Agents.Single(a => a.Name == "analyst");
        Assert.Equal(KnowledgeSourceKind.Csv, Assert.Single(analyst.KnowledgeSources).Kind);
        Assert.Empty(crew.Agents.Single(a => a.Name == "writer").KnowledgeSources);
    }

    [Fact]
    public void A_crew_document_with_knowledge_reads_back_the_same()
    {
        var crew = Load();

        var again = CrewDefinitionLoader.Parse(CrewDocument.From(crew).ToJsonString(), crew.Name, "crew.json");

        Assert.True(again.Succeeded, string.Join("\n", again.Problems));
        Assert.Equal(crew.KnowledgeSources, again.Definition!.KnowledgeSources);
        Assert.Equal(crew.KnowledgeConfig, again.Definition.KnowledgeConfig);
        Assert.Equal(crew.Agents[0].KnowledgeSources, again.Definition.Agents[0].KnowledgeSources);
    }

    [Theory]
    [InlineData("knowledge_sources: guide.md", "crew.knowledge_sources", "must be a list")]
    [InlineData("knowledge_sources: [missing.md]", "crew.knowledge_sources[0]", "'missing.md' is not among the crew's files")]
    [InlineData("knowledge_sources: [{type: pdf, file: guide.md}]", "crew.knowledge_sources[0].type", "not read by DurableCrews")]
    [InlineData("knowledge_sources: [{type: docx, file: guide.md}]", "crew.knowledge_sources[0].type", "must be one of")]
    [InlineData("knowledge_sources: [{type: string}]", "crew.knowledge_sources[0].content", "required")]
    [InlineData("knowledge_sources: [{type: string, content: a, chunk_size: 100, chunk_overlap: 100}]", "crew.knowledge_sources[0].chunk_overlap", "less than chunk_size")]
    [InlineData("knowledge_sources: [{type: string, content: a, chunk_size: 5}]", "crew.knowledge_sources[0].chunk_size", "from 100")]
    [InlineData("knowledge_sources: [{type: string, content: a, script: x}]", "crew.knowledge_sources[0].script", "not a knowledge source field")]
    [InlineData("knowledge_sources: [guide.md, guide.md]", "crew.knowledge_sources", "names 'knowledge/guide.md' 2 times")]
    [InlineData("knowledge_sources: [broken.json]", "crew.knowledge_sources[0]", "is not JSON")]
    [InlineData("knowledge_sources: [42]", "crew.knowledge_sources[0]", "must be a file path or a mapping")]
    [InlineData("knowledge_config: { results_limit: 0 }", "crew.knowledge_config.results_limit", "")]
    [InlineData("knowledge_config: { score_threshold: high }", "crew.knowledge_config.score_threshold", "must be a number")]
    public void Bad_knowledge_sources_are_refused_at_their_path(string yaml, string path, string message)
    {
        File.WriteAllText(Path.Combine(folder.Path, "knowledge", "broken.json"), "{ not json");
        File.WriteAllText(Path.Combine(folder.Path, "crew.yaml"), $"name: product-desk\n{yaml}\n");

        var loaded = CrewDefinitionLoader.Load(folder.Path);

        Assert.False(loaded.Succeeded);
        Assert.Contains(loaded.Problems, p => p.Path == path && p.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Csv_rows_and_json_values_become_readable_lines_and_chunks_overlap()
    {
        Assert.Equal("plan: starter; price: 10; seats: 3, shared\nplan: team; price: 50; seats: 25\n", KnowledgeText.Csv("plan,price,seats\r\nstarter,10,\"3, shared\"\nteam,50,25"));
        Assert.Equal("api.requests_per_minute: 600\napi.regions[0]: westeurope\napi.regions[1]: eastus\n", KnowledgeText.Json("""{"api": {"requests_per_minute": 600, "regions": ["westeurope", "eastus"]}}"""));

        string text = string.Join(' ', Enumerable.Range(0, 200).Select(i => $"word{i}"));
        var chunks = KnowledgeText.Overlapping(text, 300, 50);

        Assert.All(chunks, c => Assert.InRange(c.Length, 1, 300 + 1));
        Assert.True(chunks.Count > 3);
        Assert.All(chunks.Skip(1).Zip(chunks), pair => Assert.Contains($" {pair.First.Split(' ')[0]} ", pair.Second[^60..], StringComparison.Ordinal));
        Assert.Contains("word199", chunks[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sources_are_embedded_once_again_only_when_their_content_changes_and_stale_ones_go()
    {
        using var storage = new TempFolder();
        var blobs = new LocalBlobStore(storage.Path);
        var knowledge = Knowledge(blobs);
        var crew = Load();

        Assert.Equal(4, await knowledge.SyncAsync(crew));
        Assert.Equal(0, await knowledge.SyncAsync(crew));
        Assert.All(await knowledge.ListAsync(crew), s => Assert.True(s.Embedded, s.Source));

        var changed = crew with { KnowledgeSources = [crew.KnowledgeSources[0], crew.KnowledgeSources[1] with { Content = "The event bus keeps messages for thirty days." }] };
        Assert.Equal(1, await Knowledge(blobs).SyncAsync(changed));

        var segments = new List<string>();
        await foreach (string name in blobs.ListAsync(BlobNames.KnowledgeContainer, "product-desk/crew/"))
        {
            segments.Add(name);
        }

        Assert.Equal(2, segments.Count);
        var facts = await Knowledge(blobs).SearchAsync(changed, null, "how many days does the event bus keep messages", top: 1);
        Assert.Contains("thirty days", Assert.Single(facts).Memory.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_search_finds_the_chunk_with_its_source_and_an_agents_sources_only_for_that_agent()
    {
        using var storage = new TempFolder();
        var knowledge = Knowledge(new LocalBlobStore(storage.Path));
        var crew = Load();
        var analyst = crew.Agents.Single(a => a.Name == "analyst");
        var writer = crew.Agents.Single(a => a.Name == "writer");

        var retention = await knowledge.SearchAsync(crew, writer, "retention policy of the event bus messages");
        var price = await knowledge.SearchAsync(crew, analyst, "price of the team plan", top: 1);
        var priceForWriter = await knowledge.SearchAsync(crew, writer, "price of the team plan", top: 5);

        Assert.Equal("[facts] The event bus keeps messages for seven days of retention before they are compacted.", CrewKnowledge.Describe(retention[0]));
        Assert.InRange(retention.Count, 1, 2);
        Assert.Equal("knowledge/prices.csv", Assert.Single(price).Memory.Task);
        Assert.DoesNotContain(priceForWriter, m => m.Memory.Task == "knowledge/prices.csv");
    }

    [Fact]
    public async Task A_task_prompt_carries_the_relevant_knowledge_with_its_source()
    {
        var model = new ScriptedChatClient(_ => Task.FromResult(CrewEdits.Answer("Seven days.")));
        await using var harness = await EngineHarness.StartAsync(model);

        var run = await harness.RunAsync(Load());

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        string prompt = model.Requests.Single().Prompt;
        Assert.Contains(PromptSections.Knowledge, prompt, StringComparison.Ordinal);
        Assert.Contains("- [facts] The event bus keeps messages for seven days", prompt[prompt.IndexOf(PromptSections.Knowledge, StringComparison.Ordinal)..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_lists_searches_and_resets_a_crews_knowledge()
    {
        using var cli = new CliHarness();

        Assert.Equal(0, await cli.RunAsync(null, "knowledge", "list", folder.Path));
        Assert.Contains("crew\tfacts\tstring\t1 chunk(s)\tnot embedded yet", cli.Stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("Analyst\tknowledge/prices.csv\tcsv\t1 chunk(s)\tnot embedded yet", cli.Stdout.ToString(), StringComparison.Ordinal);

        Assert.Equal(0, await cli.RunAsync(null, "knowledge", "search", folder.Path, "retention of the event bus", "--top", "1"));
        Assert.Contains("[facts] The event bus keeps messages", cli.Stdout.ToString(), StringComparison.Ordinal);

        Assert.Equal(0, await cli.RunAsync(null, "knowledge", "list", folder.Path));
        Assert.Contains("crew\tfacts\tstring\t1 chunk(s)\tembedded", cli.Stdout.ToString(), StringComparison.Ordinal);

        Assert.Equal(0, await cli.RunAsync(null, "knowledge", "reset", folder.Path));
        Assert.Contains("reset the knowledge of crew 'product-desk' (3 blob(s) deleted)", cli.Stdout.ToString(), StringComparison.Ordinal);

        Assert.Equal(2, await cli.RunAsync(null, "knowledge", "search", folder.Path, "x", "--agent", "nobody"));
        Assert.Contains("has no agent 'nobody'", cli.Stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, await cli.RunAsync(null, "knowledge", "list", "no-such-crew"));
        Assert.Contains("not in the catalog", cli.Stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, await cli.RunAsync(null, "knowledge", "search", folder.Path, "x", "--top", "0"));
    }

    [Fact]
    public async Task The_api_lists_searches_and_resets_a_crews_knowledge_and_refuses_bad_queries()
    {
        await using var server = await ServerHarness.StartAsync();
        string document = CrewDocument.From(Load()).ToJsonString();
        Assert.Equal(HttpStatusCode.OK, (await server.PutCrewAsync("product-desk", document, "application/json")).StatusCode);

        var listed = await ServerHarness.JsonOf(await server.Http.GetAsync("/api/crews/product-desk/knowledge"));
        Assert.Equal(4, listed.GetProperty("sources").GetArrayLength());

        var search = await server.Http.GetAsync("/api/crews/product-desk/knowledge/search?q=price%20of%20the%20team%20plan&agent=analyst&top=1");
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        var match = (await ServerHarness.JsonOf(search)).GetProperty("matches")[0];
        Assert.Equal("knowledge/prices.csv", match.GetProperty("source").GetString());
        Assert.Equal("Analyst", match.GetProperty("holder").GetString());

        foreach (string bad in new[] { "search", "search?q=", "search?q=x&top=0", "search?q=x&top=abc", "search?q=x&agent=nobody", $"search?q={new string('x', KnowledgeEndpoints.MaxQueryChars + 1)}" })
        {
            var refused = await server.Http.GetAsync($"/api/crews/product-desk/knowledge/{bad}");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync("/api/crews/no-such-crew/knowledge")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync("/api/crews/no-such-crew/knowledge/search?q=x")).StatusCode);

        var reset = await ServerHarness.JsonOf(await server.Http.DeleteAsync("/api/crews/product-desk/knowledge"));
        Assert.Equal(4, reset.GetProperty("deleted").GetInt32());
        Assert.All((await ServerHarness.JsonOf(await server.Http.GetAsync("/api/crews/product-desk/knowledge"))).GetProperty("sources").EnumerateArray(),
            s => Assert.False(s.GetProperty("embedded").GetBoolean()));
    }
}
