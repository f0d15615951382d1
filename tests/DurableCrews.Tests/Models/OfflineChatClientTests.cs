using System.Text.Json;
using DurableCrews.Agents;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Runs;
using Microsoft.Extensions.AI;

namespace DurableCrews.Tests.Models;

public sealed class OfflineChatClientTests
{
    /// <summary>Records the waits asked of it and lets them pass at once.</summary>
    sealed class RecordingTime : TimeProvider
    {
        public List<TimeSpan> Delays { get; } = [];

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Delays.Add(dueTime);
            return base.CreateTimer(callback, state, TimeSpan.Zero, period);
        }
    }

    static readonly AgentDefinition Analyst = new() { Name = "analyst", Role = "Market Analyst", Goal = "Size markets", Backstory = "Careful" };

    static List<ChatMessage> Prompt(TaskDefinition task, IReadOnlyList<TaskOutput>? context = null) =>
        [PromptBuilder.System(Analyst), PromptBuilder.Task(task, context ?? [])];

    static TaskDefinition Task(string description, string expected = "A short report", string? schema = null) => new()
    {
        Name = "t",
        Description = description,
        ExpectedOutput = expected,
        OutputJson = schema is null ? null : JsonDocument.Parse(schema).RootElement.Clone(),
    };

    [Fact]
    public async Task The_same_prompt_always_gets_the_same_answer_marked_as_offline()
    {
        var task = Task("Size the market for {x}:\n1. Count the buyers\n2. Estimate the spend");

        string first = (await new OfflineChatClient().GetResponseAsync(Prompt(task))).Text;
        string second = (await new OfflineChatClient().GetResponseAsync(Prompt(task))).Text;

        Assert.Equal(first, second);
        Assert.StartsWith(OfflineChatClient.Marker, first, StringComparison.Ordinal);
        Assert.Contains("Count the buyers", first, StringComparison.Ordinal);
        Assert.Contains("Estimate the spend", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_output_json_the_answer_is_JSON_that_matches_the_schema()
    {
        var task = Task("List segments", schema: """{"type":"object","properties":{"segments":{"type":"array","items":{"type":"string"}},"total":{"type":"integer"}},"required":["segments","total"]}""");

        string answer = (await new OfflineChatClient().GetResponseAsync(Prompt(task))).Text;

        var (json, error) = OutputJsonParser.Parse(answer, task.OutputJson!.Value);
        Assert.Null(error);
        Assert.Equal(JsonValueKind.Array, json!.Value.GetProperty("segments").ValueKind);
    }

    [Fact]
    public async Task Lists_in_output_json_get_a_few_items_and_booleans_are_booleans()
    {
        var task = Task("Find datasets", schema: """{"type":"object","properties":{"datasets":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},"public":{"type":"boolean"}}}},"tags":{"type":"array","maxItems":2}}}""");

        string answer = (await new OfflineChatClient().GetResponseAsync(Prompt(task))).Text;

        var (json, error) = OutputJsonParser.Parse(answer, task.OutputJson!.Value);
        Assert.Null(error);
        var datasets = json!.Value.GetProperty("datasets").EnumerateArray().ToList();
        Assert.Equal(3, datasets.Count);
        Assert.All(datasets, d => Assert.True(d.GetProperty("public").ValueKind is JsonValueKind.True or JsonValueKind.False));
        Assert.Equal(2, json.Value.GetProperty("tags").GetArrayLength());
    }

    [Fact]
    public async Task A_schema_with_refs_to_defs_and_optional_fields_gets_JSON_that_matches_it()
    {
        var task = Task("Find leads", schema: """
            {"type":"object","$defs":{"Lead":{"type":"object","properties":{"company":{"type":"string"},"hot":{"type":"boolean"},"score":{"anyOf":[{"type":"integer"},{"type":"null"}]}},"required":["company","hot","score"]}},
             "properties":{"leads":{"type":"array","items":{"$ref":"#/$defs/Lead"}},"qualified":{"type":["boolean","null"]}},"required":["leads","qualified"]}
            """);

        string answer = (await new OfflineChatClient().GetResponseAsync(Prompt(task))).Text;

        var (json, error) = OutputJsonParser.Parse(answer, task.OutputJson!.Value);
        Assert.Null(error);
        var leads = json!.Value.GetProperty("leads").EnumerateArray().ToList();
        Assert.Equal(3, leads.Count);
        Assert.All(leads, l => Assert.Equal(JsonValueKind.Number, l.GetProperty("score").ValueKind));
        Assert.True(json.Value.GetProperty("qualified").ValueKind is JsonValueKind.True or JsonValueKind.False);
    }

    [Fact]
    public async Task The_answer_builds_on_the_context_it_was_given_and_reports_usage()
    {
        var earlier = new TaskOutput { Name = "discovery", Agent = "Researcher", Description = "d", Raw = "1. Kafka topics hold the click events", Index = 0 };

        var response = await new OfflineChatClient().GetResponseAsync(Prompt(Task("Validate the findings"), [earlier]));

        Assert.Contains("From **discovery** (Researcher)", response.Text, StringComparison.Ordinal);
        Assert.True(response.Usage!.TotalTokenCount > 0);
        Assert.Equal(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task The_simulated_latency_is_waited_on_the_given_clock()
    {
        var time = new RecordingTime();

        await new OfflineChatClient(TimeSpan.FromSeconds(5), time).GetResponseAsync(Prompt(Task("Anything")));

        Assert.Contains(TimeSpan.FromSeconds(5), time.Delays);
    }

    [Fact]
    public async Task A_guardrail_check_passes()
    {
        var response = await new OfflineChatClient().GetResponseAsync(GuardrailPrompt.Build("must be short", "short"));

        Assert.Equal("PASS", response.Text);
    }
}
