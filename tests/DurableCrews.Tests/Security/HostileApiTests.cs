using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DurableCrews.Api;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static DurableCrews.Tests.Support.ServerHarness;

namespace DurableCrews.Tests.Security;

/// <summary>
/// The run API under hostile and careless requests, as <c>durablecrews serve</c> answers them: every one is a clear
/// problem answer with its path (never a 500 with an empty body, never a crash), and nothing starts that should not.
/// </summary>
public sealed class HostileApiTests
{
    const string Writer = """
        agents:
          writer: { role: Writer, goal: "Write about {topic}", backstory: Clear }
        tasks:
          draft: { description: "Draft {topic}", expected_output: A draft, agent: writer }
        """;

    const string Reviewed = """
        agents:
          writer: { role: Writer, goal: Write, backstory: Clear }
        tasks:
          draft: { description: Draft it, expected_output: A draft, agent: writer, human_input: true }
        """;

    static async Task<ServerHarness> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var server = await ServerHarness.StartAsync(new ScriptedChatClient(), settings);
        foreach (var (name, yaml) in new[] { ("writer", Writer), ("reviewed", Reviewed) })
        {
            var stored = await server.PutCrewAsync(name, yaml);
            Assert.True(stored.StatusCode == HttpStatusCode.OK, await stored.Content.ReadAsStringAsync());
        }

        return server;
    }

    static async Task<JsonElement> ProblemOf(HttpResponseMessage response, HttpStatusCode status)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        Assert.Equal(ApiProblem.ContentType, response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    static IEnumerable<string> PathsOf(JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) ? errors.EnumerateArray().Select(e => e.GetProperty("path").GetString()!) : [];

    static async Task<HttpResponseMessage> PostBytesAsync(ServerHarness server, string path, byte[] body, string mediaType = "application/json")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return await server.Http.PostAsync(path, content);
    }

    static async Task<int> RunCountAsync(ServerHarness server)
    {
        var page = await JsonOf(await server.Http.GetAsync("runs?page_size=100"));
        return page.GetProperty("runs").GetArrayLength();
    }

    [Theory]
    [InlineData("http://127.0.0.1:7071/api/runs/other/terminate", "plain http")]
    [InlineData("https://127.0.0.1/api/runs/other/terminate", "loopback")]
    [InlineData("https://169.254.169.254/latest/meta-data/", "link-local")]
    [InlineData("https://[fd00:ec2::254]/", "unique-local")]
    [InlineData("https://metadata.google.internal/computeMetadata/v1/", "metadata")]
    [InlineData("https://localhost/hook", "this machine")]
    [InlineData("https://10.1.2.3/hook", "private")]
    [InlineData("https://[::ffff:127.0.0.1]/hook", "loopback")]
    public async Task Kickoff_webhooks_to_internal_destinations_are_refused_with_their_path_and_start_nothing(string url, string why)
    {
        await using var server = await StartAsync();

        var problem = await ProblemOf(await server.PostJsonAsync("crews/writer/kickoff", $$$"""{"inputs":{"topic":"x"},"webhooks":{"run":"{{{url}}}"}}"""), HttpStatusCode.BadRequest);

        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal("webhooks.run", error.GetProperty("path").GetString());
        Assert.Contains(why, error.GetProperty("message").GetString());
        Assert.Equal(0, await RunCountAsync(server));
    }

    [Fact]
    public async Task A_crew_whose_callbacks_reach_inside_the_network_is_refused_at_upload_and_validation()
    {
        await using var server = await StartAsync();
        string crew = "step_callback: https://169.254.169.254/hook\ntask_callback: http://internal.example/hook\n" + Writer;

        var put = await ProblemOf(await server.PutCrewAsync("hooked", crew), HttpStatusCode.BadRequest);
        var validated = await ProblemOf(await server.Http.PostAsync("crews/validate", new StringContent(crew, Encoding.UTF8, "application/yaml")), HttpStatusCode.BadRequest);

        Assert.Equal(["crew.step_callback", "crew.task_callback"], PathsOf(put).Order(StringComparer.Ordinal));
        Assert.Equal(["crew.step_callback", "crew.task_callback"], PathsOf(validated).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_uploaded_crew_cannot_start_a_process_or_aim_a_tool_inside_the_network()
    {
        await using var server = await StartAsync();
        const string Agents = """
            agents:
              writer: { role: Writer, goal: Write, backstory: Clear, tools: [shell, probe, files] }
            tasks:
              draft: { description: Draft it, expected_output: A draft, agent: writer }
            """;
        string crew = Agents + "\n" + """
            tools:
              shell: { kind: mcp, command: bash, args: [-c, "curl http://169.254.169.254/"] }
              probe: { kind: http, description: Probe, url: "https://169.254.169.254/latest/{path}", parameters: { type: object, properties: { path: { type: string } } } }
              files: { kind: mcp, server: filesystem }
            """;

        var put = await ProblemOf(await server.PutCrewAsync("tooled", crew), HttpStatusCode.BadRequest);
        Assert.Contains("crew.tools.shell.command", PathsOf(put));

        string withoutShell = crew.Replace("tools: [shell, probe, files]", "tools: [probe, files]", StringComparison.Ordinal).Replace("  shell: { kind: mcp, command: bash, args: [-c, \"curl http://169.254.169.254/\"] }\n", string.Empty, StringComparison.Ordinal);
        var refused = await ProblemOf(await server.PutCrewAsync("tooled", withoutShell), HttpStatusCode.BadRequest);
        Assert.Equal(["tools.files.server", "tools.probe.url"], PathsOf(refused).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync("crews/tooled")).StatusCode);
    }

    [Fact]
    public async Task An_allowed_host_may_be_reached_over_http()
    {
        await using var server = await StartAsync(new Dictionary<string, string?> { ["DurableCrews:Webhooks:AllowedHosts"] = "hooks.internal.example, 127.0.0.1" });

        var response = await server.PostJsonAsync("crews/writer/kickoff", """{"inputs":{"topic":"x"},"webhooks":{"run":"http://hooks.internal.example/done"}}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Fifty_thousand_brackets_are_a_400_with_the_position_and_the_server_keeps_answering()
    {
        await using var server = await StartAsync();
        string bomb = new string('[', 50_000) + new string(']', 50_000);

        var validated = await ProblemOf(await server.Http.PostAsync("crews/validate", new StringContent(bomb, Encoding.UTF8, "application/yaml")), HttpStatusCode.BadRequest);
        var stored = await ProblemOf(await server.PutCrewAsync("bomb", bomb), HttpStatusCode.BadRequest);

        Assert.Contains("deeper than", validated.GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.Equal("crew.yaml:1:65", validated.GetProperty("errors")[0].GetProperty("location").GetString());
        Assert.Contains("deeper than", stored.GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("crews")).StatusCode);
    }

    [Fact]
    public async Task Yaml_anchors_in_a_json_body_are_refused_as_not_json()
    {
        await using var server = await StartAsync();
        string body = "{\"agents\": &a {\"w\": {\"role\": \"r\", \"goal\": \"g\", \"backstory\": \"b\"}}, \"tasks\": {}}";

        var problem = await ProblemOf(await server.Http.PostAsync("crews/validate", new StringContent(body, Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);

        Assert.Contains("is not valid JSON", problem.GetProperty("errors")[0].GetProperty("message").GetString());
    }

    [Fact]
    public async Task Bundled_crews_are_read_only_and_uploads_can_be_deleted()
    {
        await using var server = await StartAsync();

        await ProblemOf(await server.PutCrewAsync("contextual-workflow", Writer), HttpStatusCode.Conflict);
        await ProblemOf(await server.Http.DeleteAsync("crews/contextual-workflow"), HttpStatusCode.Conflict);
        var list = await JsonOf(await server.Http.GetAsync("crews"));
        var deleted = await server.Http.DeleteAsync("crews/writer");
        var gone = await server.Http.GetAsync("crews/writer");

        var sources = list.GetProperty("crews").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("source").GetString());
        Assert.Equal("bundled", sources["contextual-workflow"]);
        Assert.Equal("uploaded", sources["writer"]);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        var bundled = await JsonOf(await server.Http.GetAsync("crews/contextual-workflow"));
        Assert.Equal("contextual-workflow", bundled.GetProperty("crew").GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_crew_get_answers_is_accepted_by_put_as_it_is()
    {
        await using var server = await StartAsync();
        var described = await JsonOf(await server.Http.GetAsync("crews/contextual-workflow"));
        string document = described.GetProperty("crew").GetRawText().Replace("\"contextual-workflow\"", "\"copied-workflow\"", StringComparison.Ordinal);

        var stored = await server.PutCrewAsync("copied-workflow", document, "application/json");

        Assert.True(stored.StatusCode == HttpStatusCode.OK, await stored.Content.ReadAsStringAsync());
        var copied = await JsonOf(await server.Http.GetAsync("crews/copied-workflow"));
        Assert.Equal(described.GetProperty("crew").GetProperty("tasks").GetRawText(), copied.GetProperty("crew").GetProperty("tasks").GetRawText());
    }

    [Fact]
    public async Task The_host_header_is_never_reflected_in_urls()
    {
        await using var server = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "crews/writer/kickoff") { Content = new StringContent("""{"inputs":{"topic":"x"}}""", Encoding.UTF8, "application/json") };
        request.Headers.Host = "evil.example";

        var response = await server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.StartsWith("/api/runs/", response.Headers.Location!.OriginalString);
        Assert.DoesNotContain("evil.example", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_configured_public_base_url_makes_absolute_urls()
    {
        await using var server = await StartAsync(new Dictionary<string, string?> { ["DurableCrews:Api:PublicBaseUrl"] = "https://crews.example.com" });

        var response = await server.PostJsonAsync("crews/writer/kickoff", """{"inputs":{"topic":"x"},"run_id":"public-url"}""");

        Assert.Equal("https://crews.example.com/api/runs/public-url", response.Headers.Location!.OriginalString);
    }

    public static TheoryData<string, byte[]> InvalidUtf8Bodies => new()
    {
        { "an input value", Concat("{\"inputs\":{\"topic\":\"", [0xC3, 0x28], "\"}}") },
        { "an input name", Concat("{\"inputs\":{\"", [0xFF], "\":\"x\"}}") },
        { "the run id", Concat("{\"inputs\":{\"topic\":\"x\"},\"run_id\":\"", [0xED, 0xA0, 0x80], "\"}") },
    };

    static byte[] Concat(string before, byte[] bad, string after) => [.. Encoding.UTF8.GetBytes(before), .. bad, .. Encoding.UTF8.GetBytes(after)];

    [Theory]
    [MemberData(nameof(InvalidUtf8Bodies))]
    public async Task Invalid_utf8_in_a_kickoff_is_a_400_with_the_position(string where, byte[] body)
    {
        await using var server = await StartAsync();

        var problem = await ProblemOf(await PostBytesAsync(server, "crews/writer/kickoff", body), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors")[0].GetProperty("message").GetString()!.Contains("not valid UTF-8", StringComparison.Ordinal), where);
        Assert.Equal(0, await RunCountAsync(server));
    }

    [Fact]
    public async Task Invalid_utf8_in_a_batch_item_and_a_lone_surrogate_escape_are_400s()
    {
        await using var server = await StartAsync();

        var batch = await ProblemOf(await PostBytesAsync(server, "crews/writer/kickoff-batch", Concat("{\"items\":[{\"inputs\":{\"topic\":\"", [0xC0, 0x80], "\"}}]}")), HttpStatusCode.BadRequest);
        var surrogate = await ProblemOf(await server.PostJsonAsync("crews/writer/kickoff", """{"inputs":{"topic":"\udc00"}}"""), HttpStatusCode.BadRequest);

        Assert.Equal(["body"], PathsOf(batch));
        Assert.Equal(["body"], PathsOf(surrogate));
    }

    [Fact]
    public async Task A_garbage_continuation_token_is_a_400()
    {
        await using var server = await StartAsync();

        var problem = await ProblemOf(await server.Http.GetAsync("runs?continuationToken=garbage%25%25"), HttpStatusCode.BadRequest);

        Assert.Equal(["query.continuation_token"], PathsOf(problem));
    }

    [Fact]
    public async Task A_batch_with_a_repeated_run_id_starts_nothing()
    {
        await using var server = await StartAsync();

        var problem = await ProblemOf(await server.PostJsonAsync("crews/writer/kickoff-batch", """{"items":[{"inputs":{"topic":"a"},"run_id":"same"},{"inputs":{"topic":"b"}},{"inputs":{"topic":"c"},"run_id":"same"}]}"""), HttpStatusCode.BadRequest);

        Assert.Equal(["body.items[2].run_id"], PathsOf(problem));
        Assert.Equal(0, await RunCountAsync(server));
    }

    [Fact]
    public async Task A_batch_with_a_taken_run_id_starts_nothing()
    {
        await using var server = await StartAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await server.PostJsonAsync("crews/writer/kickoff", """{"inputs":{"topic":"a"},"run_id":"taken"}""")).StatusCode);

        var problem = await ProblemOf(await server.PostJsonAsync("crews/writer/kickoff-batch", """{"items":[{"inputs":{"topic":"a"},"run_id":"fresh-1"},{"inputs":{"topic":"b"},"run_id":"taken"},{"inputs":{"topic":"c"},"run_id":"fresh-2"}]}"""), HttpStatusCode.Conflict);

        Assert.Contains("taken", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await server.Http.GetAsync("runs/fresh-1")).StatusCode);
        Assert.Equal(1, await RunCountAsync(server));
    }

    [Fact]
    public async Task Events_to_an_ended_run_are_a_conflict_and_human_input_payloads_are_checked()
    {
        await using var server = await StartAsync();
        Assert.Equal(HttpStatusCode.Accepted, (await server.PostJsonAsync("crews/writer/kickoff", """{"inputs":{"topic":"a"},"run_id":"ended"}""")).StatusCode);
        await server.WaitForEndAsync("ended");
        Assert.Equal(HttpStatusCode.Accepted, (await server.PostJsonAsync("crews/reviewed/kickoff", """{"run_id":"waiting"}""")).StatusCode);

        await ProblemOf(await server.PostJsonAsync("runs/ended/events/human_input", """{"approved":true}"""), HttpStatusCode.Conflict);
        var yes = await ProblemOf(await server.PostJsonAsync("runs/waiting/events/human_input", """{"approved":"yes please"}"""), HttpStatusCode.BadRequest);
        var extra = await ProblemOf(await server.PostJsonAsync("runs/waiting/events/human_input", """{"feedback":"","colour":1}"""), HttpStatusCode.BadRequest);

        Assert.Equal(["body.approved"], PathsOf(yes));
        Assert.Equal(["body.colour", "body.feedback"], PathsOf(extra).Order(StringComparer.Ordinal));
        await server.Http.PostAsync("runs/waiting/terminate", null);
    }

    [Fact]
    public async Task A_wrong_method_is_a_405_with_allow()
    {
        await using var server = await StartAsync();

        var response = await server.Http.PatchAsync("runs/anything", null);

        await ProblemOf(response, HttpStatusCode.MethodNotAllowed);
        Assert.Equal(["DELETE", "GET"], response.Content.Headers.Allow.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Ten_thousand_invalid_input_names_list_the_first_hundred_problems_and_the_count()
    {
        await using var server = await StartAsync();
        string inputs = string.Join(",", Enumerable.Range(0, 10_000).Select(i => $"\"bad name {i}\":\"x\""));

        var response = await server.PostJsonAsync("crews/writer/kickoff", "{\"inputs\":{" + inputs + "}}");
        var problem = await ProblemOf(response, HttpStatusCode.BadRequest);

        Assert.Equal(ApiProblem.MaxListedProblems, problem.GetProperty("errors").GetArrayLength());
        Assert.Contains("first 100 listed", problem.GetProperty("detail").GetString());
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length < 64 * 1024);
    }

    [Fact]
    public async Task Run_id_is_the_field_name_and_runId_an_alias()
    {
        await using var server = await StartAsync();

        var snake = await JsonOf(await server.PostJsonAsync("crews/writer/kickoff", """{"inputs":{"topic":"x"},"run_id":"snake"}"""));
        var camel = await JsonOf(await server.PostJsonAsync("crews/writer/kickoff", """{"inputs":{"topic":"x"},"runId":"camel"}"""));
        var both = await ProblemOf(await server.PostJsonAsync("crews/writer/kickoff", """{"inputs":{"topic":"x"},"run_id":"a","runId":"b"}"""), HttpStatusCode.BadRequest);

        Assert.Equal("snake", snake.GetProperty("run_id").GetString());
        Assert.Equal("camel", camel.GetProperty("run_id").GetString());
        Assert.Equal(["body.runId"], PathsOf(both));
    }

    [Fact]
    public async Task A_kickoff_that_waits_answers_202_with_the_run_when_waiting_fails()
    {
        await using var server = await StartAsync();
        var services = server.Engine.Engine.Services.GetRequiredService<RunClientServices>();
        var api = services.Api(new FaultyWaitClient(server.Engine.Engine.Client));
        var request = new ApiRequest
        {
            Route = new Dictionary<string, string> { ["crew"] = "writer" },
            Query = new Dictionary<string, string> { ["wait"] = "5" },
            Body = Encoding.UTF8.GetBytes("""{"inputs":{"topic":"x"},"run_id":"waited"}"""),
            ContentType = "application/json",
        };

        var answer = await api.HandleAsync("KickoffCrew", request);

        Assert.Equal(202, answer.Status);
        Assert.Equal("/api/runs/waited", answer.Location);
        Assert.Equal("Completed", (await server.WaitForEndAsync("waited")).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("{\"crew\":\"\\udc00\"}", "message.crew")]
    [InlineData("{\"crew\":\"writer\",\"inputs\":{\"\\ud800\":\"x\"}}", "message")]
    [InlineData("not json", "message")]
    public async Task Hostile_queue_messages_are_poisoned_with_their_real_problem(string message, string path)
    {
        await using var server = await StartAsync();
        var handler = server.Engine.Engine.Services.GetRequiredService<RunClientServices>().Kickoffs(server.Engine.Engine.Client);

        var outcome = await handler.HandleAsync(message);

        Assert.Equal(KickoffOutcomeKind.Poison, outcome.Kind);
        Assert.StartsWith(path, outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_queue_message_nested_too_deep_is_poisoned()
    {
        await using var server = await StartAsync();
        var handler = server.Engine.Engine.Services.GetRequiredService<RunClientServices>().Kickoffs(server.Engine.Engine.Client);
        string deep = "{\"crew\":\"writer\",\"inputs\":{\"topic\":" + new string('[', 5000) + new string(']', 5000) + "}}";

        var outcome = await handler.HandleAsync(deep);

        Assert.Equal(KickoffOutcomeKind.Poison, outcome.Kind);
        Assert.Contains("depth", outcome.Reason, StringComparison.OrdinalIgnoreCase);
    }
}
