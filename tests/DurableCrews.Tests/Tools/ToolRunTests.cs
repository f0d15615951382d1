using System.Text.Json;
using DurableCrews.Definitions;
using DurableCrews.Runs;
using DurableCrews.Storage;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DurableCrews.Tests.Tools;

/// <summary>
/// Crews whose agents use tools, run on the in-process engine with the offline model: built-in file tools over the
/// crew's and the run's files, web_fetch, http tools with their timeout, retry, size, cache and result_as_answer
/// settings. The offline model calls the tool the task asks for and answers from its result.
/// </summary>
public sealed class ToolRunTests
{
    static CrewDefinition Crew(string yaml)
    {
        var result = CrewDefinitionLoader.Parse(yaml, "tooled");
        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        return result.Definition!;
    }

    static string HttpTool(HttpStub stub, string name, string extra = "") => $$"""
          {{name}}:
            kind: http
            description: Looks up a ticket
            url: {{stub.BaseAddress}}tickets?id={ticket}
            parameters: { type: object, properties: { ticket: { type: string } }, required: [ticket] }
        {{extra}}
        """;

    static string OneTask(string tools, string description, string toolsSection = "") => $$"""
        agents:
          clerk:
            role: Clerk
            goal: Answer from what the tools return
            backstory: Careful
            tools: {{tools}}
        tasks:
          look_up:
            description: '{{description}}'
            expected_output: What the tool said
            agent: clerk
        {{(toolsSection.Length > 0 ? "tools:\n" + toolsSection : string.Empty)}}
        """;

    static readonly Dictionary<string, string?> Loopback = new() { ["DurableCrews:Tools:AllowedHosts"] = "127.0.0.1" };

    [Fact]
    public async Task A_CrewAI_crew_whose_agent_lists_FileReadTool_reads_its_file_into_the_answer()
    {
        using var folder = new TempFolder();
        folder.Write("agents.yaml", """
            analyst:
              role: Market Analyst
              goal: Summarise the market notes
              backstory: Reads before writing
              tools: [FileReadTool]
            """);
        folder.Write("tasks.yaml", """
            summarise:
              description: Read market_notes.md and summarise the three trends it names.
              expected_output: The three trends.
              agent: analyst
            """);
        folder.Write("files/market_notes.md", "Trend one: usage-based pricing.\nTrend two: regional data residency.\nTrend three: agent marketplaces.");
        var crew = CrewDefinitionLoader.Load(folder.Path).Definition!;
        await using var engine = await EngineHarness.StartAsync();

        var run = await engine.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var task = run.Output!.TasksOutput[0];
        Assert.Contains("Trend three: agent marketplaces.", task.Raw, StringComparison.Ordinal);
        var call = Assert.Single(task.ToolCalls);
        Assert.Equal(("file_read", """{"path":"market_notes.md"}""", null), (call.Tool, call.Arguments, call.Error));
        Assert.True(call.Bytes > 90);
        var transcript = await engine.Runs.GetTranscriptAsync(run.RunId, 0, "summarise");
        Assert.Contains(transcript!.Messages, m => m.Text.StartsWith("[tool result", StringComparison.Ordinal) && m.Text.Contains("usage-based pricing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_written_by_one_task_is_listed_and_read_by_the_next_and_crew_files_stay_read_only()
    {
        var crew = Crew("""
            agents:
              writer: { role: Writer, goal: Write, backstory: Terse, tools: [file_write] }
              reader: { role: Reader, goal: Read, backstory: Careful, tools: [list_files, file_read] }
            tasks:
              write:
                description: 'Use file_write with path: out/plan.md and content: "Ship on Friday"'
                expected_output: Done
                agent: writer
              list:
                description: List the files of the run.
                expected_output: The files
                agent: reader
              read:
                description: Read out/plan.md and quote it.
                expected_output: The plan
                agent: reader
            files:
              guide.md: The house style.
            """);
        await using var engine = await EngineHarness.StartAsync();

        var run = await engine.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var tasks = run.Output!.TasksOutput;
        Assert.Contains("Wrote 14 bytes to out/plan.md.", tasks[0].Raw, StringComparison.Ordinal);
        Assert.Contains("> out/plan.md", tasks[1].Raw, StringComparison.Ordinal);
        Assert.Contains("> guide.md (crew file, read-only)", tasks[1].Raw, StringComparison.Ordinal);
        Assert.Contains("> Ship on Friday", tasks[2].Raw, StringComparison.Ordinal);
        var stored = await engine.Blobs.GetAsync("crew-runs", $"{run.RunId}/files/out/plan.md");
        Assert.Equal("Ship on Friday", stored!.Content.ToString());

        // The report counts the calls per tool and puts each on the timeline under its task.
        var report = DurableCrews.Reports.RunReportBuilder.Build(run.Output, new DurableCrews.Reports.PricingOptions());
        Assert.Equal(["file_read", "file_write", "list_files"], report.Tools.Select(t => t.Tool).Order(StringComparer.Ordinal));
        Assert.All(report.Tools, t => Assert.Equal((1, 0), (t.Calls, t.Failed)));
        Assert.Equal(14, report.Tools.Single(t => t.Tool == "file_read").Bytes);
        Assert.Equal(["⚙ file_write", "⚙ list_files", "⚙ file_read"], report.Timeline.Where(b => b.Kind == "tool").Select(b => b.Label));
        Assert.Contains("| file_write | 1 | 0 | 0 |", DurableCrews.Reports.RunReportMarkdown.Render(report), StringComparison.Ordinal);
        Assert.Contains("<h2>Tools</h2>", DurableCrews.Reports.RunReportHtml.Render(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_http_tool_fills_its_templates_sends_setting_secrets_and_its_result_can_be_the_answer()
    {
        await using var service = await HttpStub.StartAsync(r => (200, $$"""{"ticket":"{{r.Query}}","state":"open"}""", null));
        var crew = Crew(OneTask("[ticket_state]", "Use the ticket_state tool with ticket: T-42 and report it.", $$"""
              ticket_state:
                kind: http
                description: The state of a ticket
                method: POST
                url: {{service.BaseAddress}}tickets/{ticket}?source=crew
                headers: { Authorization: "Bearer {setting:TICKETS_KEY}" }
                parameters: { type: object, properties: { ticket: { type: string } }, required: [ticket] }
                body: { id: "{ticket}", note: "asked about {ticket}" }
                result_as_answer: true
            """));
        var settings = new Dictionary<string, string?>(Loopback) { ["TICKETS_KEY"] = "s3cret" };
        await using var engine = await EngineHarness.StartAsync(settings: settings);

        var run = await engine.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.True(service.Requests.Count == 1, run.Output!.TasksOutput[0].Raw + JsonSerializer.Serialize(run.Output.TasksOutput[0].ToolCalls));
        var request = service.Requests[0];
        Assert.Equal(("POST", "/tickets/T-42", "?source=crew", "Bearer s3cret"), (request.Method, request.Path, request.Query, request.Headers["Authorization"]));
        Assert.Equal("""{"id":"T-42","note":"asked about T-42"}""", request.Body);
        Assert.Equal("""{"ticket":"?source=crew","state":"open"}""", run.Output!.TasksOutput[0].Raw);
        Assert.Equal(1, run.Output.TasksOutput[0].Turns);
    }

    [Fact]
    public async Task A_failing_tool_is_retried_by_its_policy_and_then_answers_the_model_with_the_error()
    {
        await using var service = await HttpStub.StartAsync(_ => (503, """{"error":"down"}""", null));
        var crew = Crew(OneTask("[lookup]", "Use the lookup tool with ticket: T-1.", HttpTool(service, "lookup", "    retries: 2\n    retry_delay: 1\n")));
        await using var engine = await EngineHarness.StartAsync(settings: Loopback);

        var run = await engine.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(3, service.Requests.Count);
        var task = run.Output!.TasksOutput[0];
        var call = Assert.Single(task.ToolCalls);
        Assert.Contains("answered 503", call.Error, StringComparison.Ordinal);
        Assert.Contains("(after 3 attempts)", call.Error, StringComparison.Ordinal);
        Assert.Contains("Error: the tool lookup failed", task.Raw, StringComparison.Ordinal);
        Assert.Equal(2, task.Retries);
        Assert.Equal(2, task.Waits.Count(w => w.Reason == "tool-retry"));
    }

    [Fact]
    public async Task A_made_calls_result_whose_write_finds_storage_unreachable_past_the_sdks_retries_is_written_again_and_the_call_is_not_made_twice()
    {
        await using var service = await HttpStub.StartAsync(r => (200, $$"""{"ticket":"{{r.Query}}","state":"open"}""", null));
        var crew = Crew(OneTask("[lookup]", "Use the lookup tool with ticket: T-3.", HttpTool(service, "lookup", "    retries: 2\n    retry_delay: 1\n")));
        FirstWriteFails? store = null;
        await using var engine = await EngineHarness.StartAsync(settings: Loopback, configureServices: services => services.AddSingleton<IBlobStore>(sp =>
            store = new FirstWriteFails(
                StorageServiceCollectionExtensions.CreateBlobStore(sp.GetRequiredService<IOptions<StorageOptions>>().Value),
                "/tools/",
                times: 3,
                error: () => new AggregateException("Retry failed after 6 tries.", new Azure.RequestFailedException(0, "Connection refused (127.0.0.1:10000)")))));

        var run = await engine.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.True(store!.Failed);
        Assert.Single(service.Requests);
        var task = run.Output!.TasksOutput[0];
        Assert.Null(Assert.Single(task.ToolCalls).Error);
        Assert.Contains("\"state\":\"open\"", task.Raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tool_past_its_timeout_answers_the_model_with_a_timeout_and_the_run_goes_on()
    {
        await using var service = await HttpStub.StartAsync(_ =>
        {
            Thread.Sleep(TimeSpan.FromSeconds(4));
            return (200, "{}", null);
        });
        var crew = Crew(OneTask("[lookup]", "Use the lookup tool with ticket: T-1.", HttpTool(service, "lookup", "    timeout: 1\n")));
        await using var engine = await EngineHarness.StartAsync(settings: Loopback);

        var run = await engine.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var call = Assert.Single(run.Output!.TasksOutput[0].ToolCalls);
        Assert.Equal("the tool did not answer within 1 s", call.Error);
    }

    [Fact]
    public async Task A_large_result_is_cut_with_a_note_and_cached_results_are_reused_across_runs()
    {
        string big = JsonSerializer.Serialize(new { text = new string('x', 5000) });
        await using var service = await HttpStub.StartAsync(_ => (200, big, null));
        var crew = Crew(OneTask("[lookup]", "Use the lookup tool with ticket: T-7.", HttpTool(service, "lookup", "    max_result_chars: 200\n    cache: true\n")));
        await using var engine = await EngineHarness.StartAsync(settings: Loopback);

        var first = await engine.RunAsync(crew);
        var second = await engine.RunAsync(crew);

        Assert.Single(service.Requests);
        var call = Assert.Single(first.Output!.TasksOutput[0].ToolCalls);
        Assert.True(call.Truncated);
        Assert.Equal(big.Length, call.Bytes);
        Assert.Contains($"[Result cut: the tool answered {big.Length:N0} characters and the first 200 are shown.", first.Output.TasksOutput[0].Raw, StringComparison.Ordinal);
        Assert.True(Assert.Single(second.Output!.TasksOutput[0].ToolCalls).Cached);
    }

    [Fact]
    public async Task Web_fetch_turns_html_into_text_limits_its_size_and_refuses_inner_destinations()
    {
        const string Page = """
            <html><head><title>Release notes</title><style>p{color:red}</style><script>alert('x')</script></head>
            <body><h1>Version 2</h1><p>Tools run as <b>durable</b> activities &amp; survive crashes.</p><ul><li>MCP</li><li>HTTP</li></ul></body></html>
            """;
        await using var site = await HttpStub.StartAsync(_ => (200, Page, new Dictionary<string, string> { ["Content-Type"] = "text/html; charset=utf-8" }));
        var crew = Crew(OneTask("[ScrapeWebsiteTool]", $"Fetch {site.BaseAddress}notes and list what changed."));

        await using (var allowed = await EngineHarness.StartAsync(settings: Loopback))
        {
            var run = await allowed.RunAsync(crew);
            string raw = run.Output!.TasksOutput[0].Raw;
            Assert.Contains("> # Release notes", raw, StringComparison.Ordinal);
            Assert.Contains("> # Version 2", raw, StringComparison.Ordinal);
            Assert.Contains("> Tools run as durable activities & survive crashes.", raw, StringComparison.Ordinal);
            Assert.Contains("> - MCP", raw, StringComparison.Ordinal);
            Assert.DoesNotContain("alert", raw, StringComparison.Ordinal);
            Assert.DoesNotContain("color:red", raw, StringComparison.Ordinal);
        }

        var small = new Dictionary<string, string?>(Loopback) { ["DurableCrews:Tools:MaxResponseBytes"] = "60" };
        await using (var limited = await EngineHarness.StartAsync(settings: small))
        {
            var run = await limited.RunAsync(crew);
            Assert.Contains("[The response was cut at 60 bytes.]", run.Output!.TasksOutput[0].Raw, StringComparison.Ordinal);
        }

        await using (var strict = await EngineHarness.StartAsync())
        {
            var run = await strict.RunAsync(crew);
            Assert.Equal(CrewRunStatus.Completed, run.Status);
            var call = Assert.Single(run.Output!.TasksOutput[0].ToolCalls);
            Assert.Contains("web_fetch refused", call.Error, StringComparison.Ordinal);
            Assert.Contains("DurableCrews__Tools__AllowedHosts", call.Error, StringComparison.Ordinal);
            Assert.Empty(site.Requests.Where(r => r.ArrivedAt > DateTimeOffset.UtcNow.AddSeconds(-5)).Skip(2));
        }
    }

    [Fact]
    public async Task The_tool_calls_and_delegations_of_one_turn_run_at_the_same_time()
    {
        // Each of the three (two tool calls, one delegation) waits until all three have started: serial work would time out.
        using var started = new CountdownEvent(3);
        bool AllStarted()
        {
            started.Signal();
            return started.Wait(TimeSpan.FromSeconds(20));
        }

        await using var service = await HttpStub.StartAsync(r => AllStarted() ? (200, $$"""{"pong":"{{r.Query}}"}""", null) : (500, "not in parallel", null));
        var model = new ScriptedChatClient(async request =>
        {
            await Task.Yield();
            if (request.IsFrom("Helper"))
            {
                return new ChatMessage(ChatRole.Assistant, AllStarted() ? "helper done" : "helper alone");
            }

            if (request.ToolResults.Count == 0)
            {
                return new ChatMessage(ChatRole.Assistant,
                [
                    new FunctionCallContent("c1", "ping", new Dictionary<string, object?> { ["ticket"] = "a" }),
                    new FunctionCallContent("c2", "ping", new Dictionary<string, object?> { ["ticket"] = "b" }),
                    new FunctionCallContent("c3", "delegate_work", new Dictionary<string, object?> { ["task"] = "Check b", ["context"] = "none", ["coworker"] = "Helper" }),
                ]);
            }

            return new ChatMessage(ChatRole.Assistant, string.Join(" | ", request.ToolResults.Select(r => r.Result)));
        });
        var crew = Crew($$"""
            agents:
              lead: { role: Lead, goal: Coordinate, backstory: Busy, allow_delegation: true, tools: [ping] }
              helper: { role: Helper, goal: Help, backstory: Kind }
            tasks:
              coordinate: { description: Coordinate the checks, expected_output: All results, agent: lead }
            tools:
            {{HttpTool(service, "ping")}}
            """);
        await using var engine = await EngineHarness.StartAsync(model, Loopback);

        var run = await engine.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal("""{"pong":"?id=a"} | {"pong":"?id=b"} | helper done""", run.Output!.TasksOutput[0].Raw);
    }

    [Fact]
    public async Task One_turn_runs_at_most_sixteen_calls_and_tells_the_model_about_the_rest_and_progress_shows_the_tools_running()
    {
        using var release = new ManualResetEventSlim(false);
        await using var service = await HttpStub.StartAsync(_ =>
        {
            release.Wait(TimeSpan.FromSeconds(30));
            return (200, "{}", null);
        });
        var model = new ScriptedChatClient(async request =>
        {
            await Task.Yield();
            return request.ToolResults.Count == 0
                ? new ChatMessage(ChatRole.Assistant, Enumerable.Range(0, 20).Select(i => (AIContent)new FunctionCallContent($"c{i}", "ping", new Dictionary<string, object?> { ["ticket"] = $"{i}" })).ToList())
                : new ChatMessage(ChatRole.Assistant, $"{request.ToolResults.Count(r => r.Result?.ToString() == "{}")} ran; {request.ToolResults.Count(r => r.Result?.ToString()?.Contains("at most 16", StringComparison.Ordinal) == true)} refused");
        });
        var crew = Crew(OneTask("[ping]", "Ping them all.", HttpTool(service, "ping")));
        await using var engine = await EngineHarness.StartAsync(model, Loopback);

        string id = await engine.Engine.Runs.KickoffAsync(crew, new DurableCrews.Api.KickoffRequest());
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            IReadOnlyList<string> tools = [];
            while (tools.Count == 0)
            {
                await Task.Delay(50, timeout.Token);
                tools = (await engine.Engine.Runs.GetAsync(id, timeout.Token))?.Progress?.Running.FirstOrDefault()?.Tools ?? [];
            }

            Assert.Equal(16, tools.Count);
            Assert.All(tools, t => Assert.Equal("ping", t));
        }

        release.Set();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = await engine.Engine.Runs.WaitAsync(id, pollInterval: TimeSpan.FromMilliseconds(25), cancellationToken: wait.Token);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal("16 ran; 4 refused", run.Output!.TasksOutput[0].Raw);
        Assert.Equal(16, service.Requests.Count);
    }

    [Fact]
    public async Task Arguments_that_break_the_tool_schema_or_name_no_tool_are_answered_with_errors_and_nothing_is_sent()
    {
        await using var service = await HttpStub.StartAsync(_ => (200, "{}", null));
        var model = new ScriptedChatClient(async request =>
        {
            await Task.Yield();
            return request.ToolResults.Count == 0
                ? new ChatMessage(ChatRole.Assistant,
                [
                    new FunctionCallContent("c1", "ping", new Dictionary<string, object?> { ["ticket"] = 7 }),
                    new FunctionCallContent("c2", "rm_rf", new Dictionary<string, object?>()),
                ])
                : new ChatMessage(ChatRole.Assistant, string.Join("\n", request.ToolResults.Select(r => r.Result)));
        });
        var crew = Crew(OneTask("[ping]", "Ping it.", HttpTool(service, "ping")));
        await using var engine = await EngineHarness.StartAsync(model, Loopback);

        var run = await engine.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        string[] results = run.Output!.TasksOutput[0].Raw.Split('\n');
        Assert.StartsWith("Error: the tool ping failed: the arguments do not match the tool's parameters: /ticket:", results[0], StringComparison.Ordinal);
        Assert.Equal("Error: there is no tool named 'rm_rf'. Your tools: ping.", results[1]);
        Assert.Empty(service.Requests);
    }
}
