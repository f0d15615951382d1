using System.Text.Json;
using DurableCrews.Agents;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Orchestration.AgentWork;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.AI;

namespace DurableCrews.Tests.Agents;

/// <summary>
/// Structured output that holds: a schema as pydantic writes it (<c>$defs</c>/<c>$ref</c>) is sent as the JSON-schema
/// response format to models whose API takes one, an answer that breaks it gets one turn to fix it, and the output's
/// JSON is <c>json_dict</c> as in CrewAI.
/// </summary>
public sealed class StructuredOutputTests
{
    // Itinerary.model_json_schema() of a pydantic model with a list of Activity models.
    const string Schema = """
        {"$defs":{"Activity":{"properties":{"name":{"title":"Name","type":"string"},"hour":{"title":"Hour","type":"integer"}},"required":["name","hour"],"title":"Activity","type":"object"}},
         "properties":{"city":{"title":"City","type":"string"},"activities":{"items":{"$ref":"#/$defs/Activity"},"title":"Activities","type":"array"}},
         "required":["city","activities"],"title":"Itinerary","type":"object"}
        """;

    const string Good = """{"city":"Lisbon","activities":[{"name":"Tram 28","hour":9}]}""";

    // The activity lacks its hour: only following the $ref finds that out.
    const string Broken = """{"city":"Lisbon","activities":[{"name":"Tram 28"}]}""";

    static CrewDefinition Crew(string llm)
    {
        var result = CrewDefinitionLoader.Parse($$"""
            agents:
              planner:
                role: Trip Planner
                goal: Plan a day
                backstory: Knows cities
                llm: {{llm}}
            tasks:
              plan:
                description: Plan a day in Lisbon.
                expected_output: The itinerary
                agent: planner
                output_json: {{Schema.ReplaceLineEndings(" ")}}
            """, "trip");
        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        return result.Definition!;
    }

    static Dictionary<string, string?> StubModel(HttpStub stub) => new()
    {
        ["DurableCrews:Models:stub:Provider"] = "openai-compatible",
        ["DurableCrews:Models:stub:Endpoint"] = new Uri(stub.BaseAddress, "v1").ToString(),
        ["DurableCrews:Models:stub:ApiKey"] = "k",
    };

    static JsonElement Body(StubRequest request) => JsonDocument.Parse(request.Body).RootElement;

    [Fact]
    public async Task A_pydantic_schema_goes_out_as_the_response_format_and_the_answer_is_the_outputs_json_dict()
    {
        await using var stub = await HttpStub.StartAsync(_ => (200, ChatCompletions.Text(Good), null));
        await using var engine = await EngineHarness.StartAsync(settings: StubModel(stub));

        var run = await engine.RunAsync(Crew("stub/gpt-4o"));

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var format = Body(Assert.Single(stub.Requests)).GetProperty("response_format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        Assert.Equal("Itinerary", format.GetProperty("json_schema").GetProperty("name").GetString());
        Assert.Equal("#/$defs/Activity", format.GetProperty("json_schema").GetProperty("schema").GetProperty("properties").GetProperty("activities").GetProperty("items").GetProperty("$ref").GetString());
        var printed = JsonDocument.Parse(JsonSerializer.Serialize(run.Output, CrewJson.Options)).RootElement;
        Assert.Equal(9, printed.GetProperty("json_dict").GetProperty("activities")[0].GetProperty("hour").GetInt32());
        Assert.Equal("Lisbon", printed.GetProperty("tasks_output")[0].GetProperty("json_dict").GetProperty("city").GetString());
        Assert.Empty(run.Output!.Warnings);
    }

    [Fact]
    public async Task An_answer_that_breaks_the_schema_gets_one_turn_to_fix_it_and_the_fixed_json_is_kept()
    {
        int calls = 0;
        await using var stub = await HttpStub.StartAsync(_ => (200, ChatCompletions.Text(Interlocked.Increment(ref calls) == 1 ? Broken : Good), null));
        await using var engine = await EngineHarness.StartAsync(settings: StubModel(stub));

        var run = await engine.RunAsync(Crew("stub/gpt-4o"));

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(2, stub.Requests.Count);
        string fix = Body(stub.Requests[1]).GetProperty("messages").EnumerateArray().Last().GetProperty("content").GetString()!;
        Assert.StartsWith("Your answer is not the JSON the task asks for:", fix, StringComparison.Ordinal);
        Assert.Contains("/activities/0", fix, StringComparison.Ordinal);
        var task = run.Output!.TasksOutput[0];
        Assert.Equal(Good, task.Raw);
        Assert.Equal("Tram 28", task.Json!.Value.GetProperty("activities")[0].GetProperty("name").GetString());
        Assert.Equal(["answer", "fix_json"], task.ModelCalls.Select(c => c.Outcome));
        Assert.Equal(30L, task.TokenUsage.TotalTokens);
        Assert.Empty(run.Output.Warnings);
    }

    [Fact]
    public async Task An_answer_still_broken_after_its_fixing_turn_finishes_with_a_warning_and_no_third_call()
    {
        await using var stub = await HttpStub.StartAsync(_ => (200, ChatCompletions.Text("Here is your plan: " + Broken), null));
        await using var engine = await EngineHarness.StartAsync(settings: StubModel(stub));

        var run = await engine.RunAsync(Crew("stub/gpt-4o"));

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(2, stub.Requests.Count);
        Assert.Null(run.Output!.Json);
        var warning = Assert.Single(run.Output.Warnings);
        Assert.Contains("the answer is not the JSON output_json asks for", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_offline_model_follows_the_ref_schema_in_one_turn_and_its_json_is_printed_as_json_dict()
    {
        await using var engine = await EngineHarness.StartAsync();

        var run = await engine.RunAsync(Crew("offline"));

        var task = run.Output!.TasksOutput[0];
        Assert.Null(task.JsonError);
        Assert.Single(task.ModelCalls);
        var printed = JsonDocument.Parse(JsonSerializer.Serialize(run.Output, CrewJson.Options)).RootElement;
        Assert.All(printed.GetProperty("json_dict").GetProperty("activities").EnumerateArray(), a => Assert.Equal(JsonValueKind.Number, a.GetProperty("hour").ValueKind));
    }

    [Fact]
    public async Task The_fixing_turn_is_recorded_and_a_redelivery_of_it_asks_the_model_nothing()
    {
        var model = new ScriptedChatClient(request => request.Messages[^1].Text.StartsWith("Your answer is not the JSON", StringComparison.Ordinal) ? Good : Broken);
        await using var harness = await EngineHarness.StartAsync(model);
        string runId = $"fix-{Guid.NewGuid():N}"[..20];
        var crew = Crew("offline");
        await harness.Runs.SaveRunAsync(new RunRecord { RunId = runId, Definition = crew, Inputs = new Dictionary<string, string>(), CreatedAt = DateTimeOffset.UtcNow });
        var input = new AgentWorkInput(runId, "t0", 0, [], Folded: true, NoEarlierOutput: true);
        var finish = new FinishAgentWorkRequest(runId, "t0", 0, []);
        var turn = Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<AgentTurnActivity>(harness.Engine.Services);

        var answered = await turn.ExecuteAsync(new AgentTurnRequest(runId, "t0", 0, AgentTurnMode.Work) { Begin = input, Finish = finish });
        var fixRequest = new AgentTurnRequest(runId, "t0", 1, AgentTurnMode.FixJson) { RateScopes = answered.Start!.RateScopes, Finish = finish };
        var fixedOnce = await turn.ExecuteAsync(fixRequest);
        var again = await turn.ExecuteAsync(fixRequest);

        Assert.Contains("/activities/0", answered.JsonError, StringComparison.Ordinal);
        Assert.Null(answered.Summary);
        Assert.Equal(2, model.Requests.Count);
        Assert.NotNull(fixedOnce.Summary);
        Assert.Equal(fixedOnce.Summary!.OutputBlob, again.Start?.Finished?.OutputBlob ?? again.Summary?.OutputBlob);
        var output = await harness.Runs.GetTaskOutputAsync(runId, 0, "plan");
        Assert.Equal(Good, output!.Raw);
        Assert.NotNull(output.Json);
    }

    [Fact]
    public void A_model_whose_api_takes_no_json_schema_gets_no_response_format()
    {
        var schema = JsonDocument.Parse(Schema).RootElement;
        var options = new ChatOptions { Temperature = 0.1f };

        var offline = StructuredAnswer.WithResponseFormat(options, schema, new ResolvedModel(new OfflineChatClient(TimeSpan.Zero, TimeProvider.System), "offline"));
        var openAi = StructuredAnswer.WithResponseFormat(options, schema, new ResolvedModel(new OfflineChatClient(TimeSpan.Zero, TimeProvider.System), "openai/gpt-4o", TakesJsonSchema: true));

        Assert.Same(options, offline);
        Assert.Null(options.ResponseFormat);
        Assert.Equal("Itinerary", Assert.IsType<ChatResponseFormatJson>(openAi!.ResponseFormat).SchemaName);
    }
}
