using System.Text.Json;
using System.Text.RegularExpressions;
using DurableCrews.Definitions;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Definitions;

/// <summary>
/// The crewAI-examples crews job-posting, stock_analysis and surprise_trip, as the samples in crews/ hold them (their
/// agents.yaml and tasks.yaml unchanged, plus a crew.yaml), validate, and run against an OpenAI-compatible model server
/// that calls every tool it is offered, with a loopback stand-in for the web services their tools call.
/// </summary>
public sealed partial class CrewAIExampleTests : IDisposable
{
    public static TheoryData<string> Examples => new(["job-posting", "stock_analysis", "surprise_trip"]);

    static readonly Dictionary<string, string> Inputs = new()
    {
        ["company_domain"] = "careers.example.com",
        ["company_description"] = "A hospital scheduling company",
        ["hiring_needs"] = "A senior platform engineer",
        ["specific_benefits"] = "A yearly learning budget",
        ["company_stock"] = "AMZN",
        ["origin"] = "São Paulo, GRU",
        ["destination"] = "New York, JFK",
        ["age"] = "31",
        ["hotel_location"] = "Brooklyn",
        ["flight_information"] = "GOL 1234, June 30th, 10:00",
        ["trip_duration"] = "3 days",
    };

    static readonly Dictionary<string, string?> Secrets = new() { ["SERPER_API_KEY"] = "serper-test-key", ["SEC_USER_AGENT"] = "tests@example.com" };

    const string Itinerary = """
        {"name":"Three days in New York","hotel":"Brooklyn","day_plans":[{"date":"2024-06-30","restaurants":["Di Fara"],
         "activities":[{"name":"High Line","location":"Chelsea","description":"A walk","date":"2024-06-30","cousine":"none","why_its_suitable":"Outdoors","reviews":null,"rating":4.7}]}]}
        """;

    const string RoleRequirements = """{"skills":["Distributed systems"],"experience":["Five years in production"],"qualities":["Writes clearly"]}""";

    readonly CliHarness cli = new();

    static string Folder(string name) => Path.Combine(RepoPaths.Crews, name);

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Each_example_validates_offline_once_its_settings_are_set_and_says_which_are_missing_before(string name)
    {
        int missing = await cli.RunAsync(null, "validate", Folder(name), "--offline");
        Assert.Equal(2, missing);
        Assert.Matches(@"headers\.[A-Za-z-]+: reads the setting '(SERPER_API_KEY|SEC_USER_AGENT)', which is not set on this server", cli.Stderr.ToString());

        int exit = await cli.RunAsync(Secrets, "validate", Folder(name), "--offline");

        Assert.True(exit == 0, cli.Stderr.ToString());
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Each_example_runs_against_a_model_server_that_calls_its_tools_with_local_stand_ins_for_the_web(string name)
    {
        await using var web = await HttpStub.StartAsync(WebStandIn);
        await using var model = await HttpStub.StartAsync(request => (200, ModelAnswer(request, web.BaseAddress), null));
        var crew = PointedAt(Load(name), web.BaseAddress);
        await using var engine = await EngineHarness.StartAsync(settings: Settings(model));

        var run = await engine.RunAsync(crew, Inputs.Where(i => CrewInputs.RequiredInputs(crew).Contains(i.Key)).ToDictionary());

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(crew.Tasks.Select(t => t.Name), run.Output!.TasksOutput.Select(t => t.Name));
        Assert.Empty(run.Output.Warnings);
        var calls = run.Output.TasksOutput.SelectMany(t => t.ToolCalls).ToList();
        Assert.All(run.Output.TasksOutput, t => Assert.NotEmpty(t.ToolCalls));
        Assert.All(calls, c => Assert.True(c.Error is null, $"{c.Tool}: {c.Error}"));
        var searches = web.Requests.Where(r => r.Path is "/search" or "/LATEST/search-index").ToList();
        Assert.NotEmpty(searches);
        Assert.All(searches, r => Assert.Contains(r.Headers.GetValueOrDefault("X-API-KEY") ?? r.Headers["User-Agent"], Secrets.Values));
        Assert.All(crew.Tasks.Where(t => t.OutputJson is not null), t => Assert.NotNull(run.Output.TasksOutput.Single(o => o.Name == t.Name).Json));
    }

    [Fact]
    public async Task Job_posting_reads_its_job_description_and_the_company_site_named_by_the_kickoff()
    {
        await using var web = await HttpStub.StartAsync(WebStandIn);
        await using var model = await HttpStub.StartAsync(request => (200, ModelAnswer(request, web.BaseAddress), null));
        var crew = Load("job-posting");
        crew = crew with { Tools = crew.Tools.Select(t => t.Name == "company_website" ? t with { Pinned = new Dictionary<string, string> { ["url"] = $"{web.BaseAddress}{{company_domain}}/about" } } : t).ToList() };
        await using var engine = await EngineHarness.StartAsync(settings: Settings(model));

        var run = await engine.RunAsync(crew, Inputs.Where(i => CrewInputs.RequiredInputs(crew).Contains(i.Key)).ToDictionary());

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Contains(web.Requests, r => r.Method == "GET" && r.Path == "/careers.example.com/about");
        var draft = run.Output!.TasksOutput.Single(t => t.Name == "draft_job_posting_task");
        var read = Assert.Single(draft.ToolCalls, c => c.Tool == "job_description_example");
        Assert.Equal(("{}", (string?)null), (read.Arguments, read.Error));
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(crew.Files["job_description_example.md"]), read.Bytes);
    }

    /// <summary>The settings an operator gives: the tools' secrets, the model server as the default model, the web stand-in allowed.</summary>
    static Dictionary<string, string?> Settings(HttpStub model) => new(Secrets)
    {
        ["DurableCrews:Model:Provider"] = "openai-compatible",
        ["DurableCrews:Model:Endpoint"] = new Uri(model.BaseAddress, "v1").ToString(),
        ["DurableCrews:Model:Name"] = "stub-model",
        ["DurableCrews:Tools:AllowedHosts"] = "127.0.0.1",
    };

    static CrewDefinition Load(string name)
    {
        var loaded = CrewDefinitionLoader.Load(Folder(name));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Problems));
        return loaded.Definition!;
    }

    /// <summary>The crew with every tool URL's scheme and host (Serper's, EDGAR's, the company's) replaced by the local stand-in's.</summary>
    static CrewDefinition PointedAt(CrewDefinition crew, Uri standIn)
    {
        string local = standIn.GetLeftPart(UriPartial.Authority);
        string Point(string url) => Origin().Replace(url, local);
        return crew with
        {
            Tools = crew.Tools.Select(t => t with
            {
                Url = t.Url is null ? null : Point(t.Url),
                Pinned = t.Pinned.ToDictionary(p => p.Key, p => p.Key == "url" ? Point(p.Value) + "/about" : p.Value),
            }).ToList(),
        };
    }

    /// <summary>Serper's search answers, EDGAR's full-text search and web pages, as the real services shape them.</summary>
    static (int, string, IDictionary<string, string>?) WebStandIn(StubRequest request) => request.Path switch
    {
        "/search" => (200, """{"organic":[{"title":"Industry report 2026","link":"https://example.com/report","snippet":"Demand keeps growing."}]}""", Json),
        "/LATEST/search-index" => (200, """{"hits":{"hits":[{"_source":{"form":"10-K","display_names":["AMAZON COM INC"],"file_date":"2026-02-01"}}]}}""", Json),
        _ => (200, $"<html><body><h1>Page {request.Path}</h1><p>Values: written decisions, measured change.</p></body></html>", new Dictionary<string, string> { ["Content-Type"] = "text/html" }),
    };

    static readonly Dictionary<string, string> Json = new() { ["Content-Type"] = "application/json" };

    /// <summary>
    /// An OpenAI-compatible model that, on a task's first turn, calls every tool it is offered with arguments that fit
    /// their schemas, and once it has the results answers: with the itinerary when asked for a JSON schema, else with text.
    /// </summary>
    static string ModelAnswer(StubRequest request, Uri web)
    {
        var call = StubModelCall.Read(request);
        using var body = JsonDocument.Parse(request.Body);
        if (call.HasToolResults || !body.RootElement.TryGetProperty("tools", out var tools))
        {
            string? schema = body.RootElement.TryGetProperty("response_format", out var format) ? format.GetProperty("json_schema").GetProperty("name").GetString() : null;
            return ChatCompletions.Text(schema switch
            {
                "Itinerary" => Itinerary,
                "ResearchRoleRequirements" => RoleRequirements,
                _ => $"Report on: {call.Task[..Math.Min(60, call.Task.Length)]}",
            });
        }

        return ChatCompletions.ToolCalls(tools.EnumerateArray().Select(t => t.GetProperty("function")).Select(f => (f.GetProperty("name").GetString()!, Arguments(f.GetProperty("parameters"), web))).ToArray());
    }

    static object Arguments(JsonElement schema, Uri web) =>
        schema.TryGetProperty("properties", out var properties)
            ? properties.EnumerateObject().ToDictionary(p => p.Name, p => (object)(
                p.Value.TryGetProperty("enum", out var choices) ? choices[0].GetString()!
                : p.Name == "url" ? new Uri(web, "news/amzn").ToString()
                : p.Name is "folder" ? string.Empty
                : "AMZN outlook"))
            : new Dictionary<string, object>();

    [GeneratedRegex(@"^https?://[^/]+")]
    private static partial Regex Origin();

    public void Dispose() => cli.Dispose();
}
