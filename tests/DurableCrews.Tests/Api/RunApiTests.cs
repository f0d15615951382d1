using System.Net;
using System.Text;
using System.Text.Json;
using DurableCrews.Api;
using DurableCrews.Orchestration.AgentWork;
using DurableCrews.Tests.Support;
using static DurableCrews.Tests.Support.ServerHarness;

namespace DurableCrews.Tests.Api;

/// <summary>The run API as <c>durablecrews serve</c> serves it (the Functions app maps the same library endpoints).</summary>
public sealed class RunApiTests
{
    const string TwoTasks = """
        agents:
          writer:
            role: Writer
            goal: Write about {topic}
            backstory: Clear
        tasks:
          outline:
            description: Outline {topic}
            expected_output: An outline
            agent: writer
          draft:
            description: Draft {topic}
            expected_output: A draft
            agent: writer
        """;

    const string Reviewed = """
        agents:
          writer: { role: Writer, goal: Write, backstory: Clear }
        tasks:
          draft: { description: Draft it, expected_output: A draft, agent: writer, human_input: true }
        """;

    static async Task<ServerHarness> StartWithCrewsAsync(ScriptedChatClient? model = null)
    {
        var server = await ServerHarness.StartAsync(model ?? new ScriptedChatClient());
        foreach (var (name, yaml) in new[] { ("two-tasks", TwoTasks), ("reviewed", Reviewed) })
        {
            var stored = await server.PutCrewAsync(name, yaml);
            Assert.True(stored.StatusCode == HttpStatusCode.OK, await stored.Content.ReadAsStringAsync());
        }

        return server;
    }

    static async Task<string> KickoffAsync(ServerHarness server, string crew, string body)
    {
        var response = await server.PostJsonAsync($"crews/{crew}/kickoff", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await JsonOf(response)).GetProperty("run_id").GetString()!;
    }

    static async Task<JsonElement> ProblemOf(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(ApiProblem.ContentType, response.Content.Headers.ContentType?.MediaType);
        return await JsonOf(response);
    }

    static IEnumerable<string> ErrorPaths(JsonElement problem) => problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()!);

    [Fact]
    public async Task Kickoff_answers_202_with_the_run_urls_and_the_run_completes()
    {
        await using var server = await StartWithCrewsAsync();

        var response = await server.PostJsonAsync("crews/two-tasks/kickoff", """{"inputs":{"topic":"tides"},"runId":"api-run"}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("/api/runs/api-run", response.Headers.Location?.OriginalString);
        var body = await JsonOf(response);
        Assert.EndsWith("/api/runs/api-run/terminate", body.GetProperty("terminate_url").GetString(), StringComparison.Ordinal);
        Assert.EndsWith("/api/runs/api-run/events/{name}", body.GetProperty("event_url").GetString(), StringComparison.Ordinal);
        var run = await server.WaitForEndAsync("api-run");
        Assert.Equal("Completed", run.GetProperty("status").GetString());
        Assert.Equal(2, run.GetProperty("output").GetProperty("tasks_output").GetArrayLength());
    }

    [Fact]
    public async Task Kickoff_with_wait_answers_200_with_the_output_when_the_run_ends_in_time()
    {
        await using var server = await StartWithCrewsAsync();

        var response = await server.PostJsonAsync("crews/two-tasks/kickoff?wait=30", """{"inputs":{"topic":"tides"}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Completed", (await JsonOf(response)).GetProperty("output").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Bad_kickoffs_are_answered_with_every_problem_and_start_nothing()
    {
        await using var server = await StartWithCrewsAsync();

        var unknownCrew = await ProblemOf(await server.PostJsonAsync("crews/nope/kickoff", "{}"), HttpStatusCode.NotFound);
        var badName = await ProblemOf(await server.PostJsonAsync("crews/..%2Fetc/kickoff", "{}"), HttpStatusCode.BadRequest);
        var notJson = await ProblemOf(await server.PostJsonAsync("crews/two-tasks/kickoff", "{inputs:"), HttpStatusCode.BadRequest);
        var mistakes = await ProblemOf(await server.PostJsonAsync("crews/two-tasks/kickoff?wait=soon", """{"inputs":{"other":"x"},"runId":"bad id!","colour":1}"""), HttpStatusCode.BadRequest);
        var wrongType = await ProblemOf(await server.Http.PostAsync("crews/two-tasks/kickoff", new StringContent("topic=x", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType);
        var tooLarge = await ProblemOf(await server.PostJsonAsync("crews/two-tasks/kickoff", "{\"inputs\":{\"topic\":\"" + new string('x', ApiRequest.MaxBodyBytes) + "\"}}"), HttpStatusCode.RequestEntityTooLarge);

        Assert.Contains("no crew named 'nope'", unknownCrew.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(["crew"], ErrorPaths(badName));
        Assert.Equal(["body"], ErrorPaths(notJson));
        Assert.Equal(["query.wait", "body.colour"], ErrorPaths(mistakes).Take(2));
        Assert.Equal(["body.colour", "inputs.topic", "query.wait", "run_id"], ErrorPaths(mistakes).Order(StringComparer.Ordinal));
        Assert.Equal(415, wrongType.GetProperty("status").GetInt32());
        Assert.Equal(413, tooLarge.GetProperty("status").GetInt32());
        Assert.Empty((await JsonOf(await server.Http.GetAsync("runs"))).GetProperty("runs").EnumerateArray());
    }

    [Fact]
    public async Task A_taken_run_id_is_a_conflict_so_retries_are_safe()
    {
        await using var server = await StartWithCrewsAsync();
        await KickoffAsync(server, "two-tasks", """{"inputs":{"topic":"a"},"runId":"once"}""");

        var again = await ProblemOf(await server.PostJsonAsync("crews/two-tasks/kickoff", """{"inputs":{"topic":"a"},"runId":"once"}"""), HttpStatusCode.Conflict);

        Assert.Contains("'once' exists already", again.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_starts_one_run_per_item_or_none_when_one_is_invalid()
    {
        await using var server = await StartWithCrewsAsync();

        var invalid = await ProblemOf(await server.PostJsonAsync("crews/two-tasks/kickoff-batch", """{"items":[{"inputs":{"topic":"a"}},{"inputs":{}}]}"""), HttpStatusCode.BadRequest);
        var response = await server.PostJsonAsync("crews/two-tasks/kickoff-batch", """[{"inputs":{"topic":"a"}},{"inputs":{"topic":"b"}},{"inputs":{"topic":"c"}}]""");

        Assert.Equal(["body.items[1].inputs.topic"], ErrorPaths(invalid));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var batch = await JsonOf(response);
        var runIds = batch.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("run_id").GetString()!).ToList();
        Assert.Equal(3, runIds.Count);
        Assert.All(runIds, id => Assert.StartsWith(batch.GetProperty("batch_id").GetString()!, id, StringComparison.Ordinal));
        foreach (string id in runIds)
        {
            Assert.Equal("Completed", (await server.WaitForEndAsync(id)).GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task Runs_are_listed_by_crew_and_status_in_pages()
    {
        await using var server = await StartWithCrewsAsync();
        foreach (string id in new[] { "list-1", "list-2" })
        {
            await KickoffAsync(server, "two-tasks", "{\"inputs\":{\"topic\":\"a\"},\"runId\":\"" + id + "\"}");
            await server.WaitForEndAsync(id);
        }

        var all = await JsonOf(await server.Http.GetAsync("runs?crew=two-tasks&status=Completed"));
        var none = await JsonOf(await server.Http.GetAsync("runs?crew=reviewed"));
        var first = await JsonOf(await server.Http.GetAsync("runs?pageSize=1"));
        var bad = await ProblemOf(await server.Http.GetAsync("runs?status=Sleeping&pageSize=500&from=yesterday"), HttpStatusCode.BadRequest);

        Assert.Equal(["list-1", "list-2"], all.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("run_id").GetString()).Order(StringComparer.Ordinal));
        Assert.Empty(none.GetProperty("runs").EnumerateArray());
        Assert.Single(first.GetProperty("runs").EnumerateArray());
        Assert.Equal(["query.from", "query.page_size", "query.status"], ErrorPaths(bad).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task One_task_output_is_served_by_name()
    {
        await using var server = await StartWithCrewsAsync();
        string runId = await KickoffAsync(server, "two-tasks", """{"inputs":{"topic":"tides"}}""");
        await server.WaitForEndAsync(runId);

        var task = await JsonOf(await server.Http.GetAsync($"runs/{runId}/tasks/draft"));
        await ProblemOf(await server.Http.GetAsync($"runs/{runId}/tasks/nothing"), HttpStatusCode.NotFound);
        await ProblemOf(await server.Http.GetAsync("runs/no-such-run"), HttpStatusCode.NotFound);

        Assert.Equal("draft", task.GetProperty("name").GetString());
        Assert.Equal("answer to: Draft tides", task.GetProperty("raw").GetString());
    }

    [Fact]
    public async Task An_event_no_task_of_a_crew_run_waits_for_is_refused_with_how_to_send_it_not_dropped()
    {
        var answering = new TaskCompletionSource();
        await using var server = await StartWithCrewsAsync(new ScriptedChatClient(_ => answering.Task.ContinueWith(_ => new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.Assistant, "done"), TaskScheduler.Default)));
        string runId = await KickoffAsync(server, "two-tasks", """{"inputs":{"topic":"tides"}}""");
        await server.WaitForRunAsync(runId, run => run.GetProperty("status").GetString() == "Running");

        var early = await ProblemOf(await server.PostJsonAsync($"runs/{runId}/events/{HumanReview.EventName}", """{"approved":true}"""), HttpStatusCode.Conflict);
        answering.SetResult();

        Assert.Contains($"No task of '{runId}' waits for '{HumanReview.EventName}' now", early.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("Running", early.GetProperty("run_status").GetString());
        Assert.Equal("Completed", (await server.WaitForEndAsync(runId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Human_input_is_raised_through_the_events_endpoint()
    {
        await using var server = await StartWithCrewsAsync();
        string runId = await KickoffAsync(server, "reviewed", "{}");
        await server.WaitForRunAsync(runId, run => run.TryGetProperty("progress", out var progress)
            && progress.GetProperty("running").EnumerateArray().Any(t => t.TryGetProperty("waiting_for", out var w) && w.GetString() == HumanReview.EventName));

        var raised = await server.PostJsonAsync($"runs/{runId}/events/{HumanReview.EventName}", """{"approved":true}""");
        var badName = await ProblemOf(await server.PostJsonAsync($"runs/{runId}/events/bad%20name", "{}"), HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.Accepted, raised.StatusCode);
        Assert.Equal($"{runId}/t0", (await JsonOf(raised)).GetProperty("instance").GetString());
        Assert.Equal(["name"], ErrorPaths(badName));
        Assert.Equal("Completed", (await server.WaitForEndAsync(runId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Human_input_for_a_task_of_a_terminated_run_is_409_with_the_runs_status()
    {
        await using var server = await StartWithCrewsAsync();
        string runId = await KickoffAsync(server, "reviewed", "{}");
        await server.WaitForRunAsync(runId, run => run.TryGetProperty("progress", out var progress)
            && progress.GetProperty("running").EnumerateArray().Any(t => t.TryGetProperty("waiting_for", out var w) && w.GetString() == HumanReview.EventName));
        Assert.Equal(HttpStatusCode.Accepted, (await server.Http.PostAsync($"runs/{runId}/terminate", null)).StatusCode);
        await server.WaitForEndAsync(runId);

        var toTask = await ProblemOf(await server.PostJsonAsync($"runs/{runId}%2Ft0/events/{HumanReview.EventName}", """{"approved":true}"""), HttpStatusCode.Conflict);
        var toRun = await ProblemOf(await server.PostJsonAsync($"runs/{runId}/events/{HumanReview.EventName}", """{"approved":true}"""), HttpStatusCode.Conflict);
        await ProblemOf(await server.PostJsonAsync($"runs/no-such-run%2Ft0/events/{HumanReview.EventName}", """{"approved":true}"""), HttpStatusCode.NotFound);

        Assert.Contains("Terminated", toTask.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("Terminated", toTask.GetProperty("run_status").GetString());
        Assert.Equal("Terminated", toRun.GetProperty("run_status").GetString());
    }

    [Fact]
    public async Task Terminate_ends_a_running_run_and_delete_then_removes_it()
    {
        await using var server = await StartWithCrewsAsync();
        string runId = await KickoffAsync(server, "reviewed", "{}");
        await server.WaitForRunAsync(runId, run => run.GetProperty("status").GetString() == "Running");

        var notYet = await ProblemOf(await server.Http.DeleteAsync($"runs/{runId}"), HttpStatusCode.Conflict);
        var terminated = await server.Http.PostAsync($"runs/{runId}/terminate", null);
        var ended = await server.WaitForEndAsync(runId);
        var again = await ProblemOf(await server.Http.PostAsync($"runs/{runId}/terminate", null), HttpStatusCode.Conflict);
        var deleted = await server.Http.DeleteAsync($"runs/{runId}");

        Assert.Contains("still running", notYet.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, terminated.StatusCode);
        Assert.Equal("Terminated", ended.GetProperty("status").GetString());
        Assert.Contains("has ended", again.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        await ProblemOf(await server.Http.GetAsync($"runs/{runId}"), HttpStatusCode.NotFound);
        Assert.Null(await server.Engine.Runs.GetRunAsync(runId));
        Assert.Null(await server.Engine.Engine.Client.GetInstanceAsync($"{runId}/t0"));
    }

    [Fact]
    public async Task Replay_from_a_task_reuses_the_outputs_before_it()
    {
        var model = new ScriptedChatClient();
        await using var server = await StartWithCrewsAsync(model);
        string runId = await KickoffAsync(server, "two-tasks", """{"inputs":{"topic":"tides"}}""");
        await server.WaitForEndAsync(runId);

        var replay = await server.Http.PostAsync($"runs/{runId}/replay?fromTask=draft&runId=replayed", null);
        var bad = await ProblemOf(await server.Http.PostAsync($"runs/{runId}/replay?fromTask=polish", null), HttpStatusCode.BadRequest);
        var missing = await ProblemOf(await server.Http.PostAsync($"runs/{runId}/replay", null), HttpStatusCode.BadRequest);

        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        var run = await server.WaitForEndAsync("replayed");
        Assert.Equal("Completed", run.GetProperty("status").GetString());
        Assert.Equal(3, model.Requests.Count);
        Assert.Equal("answer to: Draft tides", model.Requests[2].TaskLine.Length > 0 ? $"answer to: {model.Requests[2].TaskLine}" : string.Empty);
        Assert.Equal(["fromTask"], ErrorPaths(bad));
        Assert.Equal(["query.from_task"], ErrorPaths(missing));
    }

    [Fact]
    public async Task Crews_are_uploaded_after_validation_listed_and_described()
    {
        await using var server = await StartWithCrewsAsync();

        var invalid = await ProblemOf(await server.PutCrewAsync("broken", "agents:\n  a: { role: A }\ntasks:\n  t: { description: D, agent: b }\n"), HttpStatusCode.BadRequest);
        var wrongType = await ProblemOf(await server.PutCrewAsync("two-tasks", TwoTasks, "text/plain"), HttpStatusCode.UnsupportedMediaType);
        var list = await JsonOf(await server.Http.GetAsync("crews"));
        var crew = await JsonOf(await server.Http.GetAsync("crews/two-tasks"));
        var valid = await JsonOf(await server.Http.PostAsync("crews/validate", new StringContent(TwoTasks, Encoding.UTF8, "application/yaml")));

        Assert.Contains(ErrorPaths(invalid), p => p.EndsWith("agents.a.goal", StringComparison.Ordinal));
        Assert.Contains(ErrorPaths(invalid), p => p.EndsWith("tasks.t.agent", StringComparison.Ordinal));
        Assert.Equal(415, wrongType.GetProperty("status").GetInt32());
        Assert.Equal(["contextual-workflow", "memory-enabled", "reviewed", "two-tasks"], list.GetProperty("crews").EnumerateArray().Select(c => c.GetProperty("name").GetString()).Where(c => c is "contextual-workflow" or "memory-enabled" or "reviewed" or "two-tasks"));
        Assert.Equal(["topic"], crew.GetProperty("inputs").EnumerateArray().Select(i => i.GetString()));
        Assert.True(valid.GetProperty("valid").GetBoolean());
        await ProblemOf(await server.Http.GetAsync("crews/broken"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_ended_runs_report_is_served_as_html_markdown_or_json()
    {
        await using var server = await StartWithCrewsAsync();
        string runId = await KickoffAsync(server, "two-tasks", """{"inputs":{"topic":"tides"}}""");
        await server.WaitForEndAsync(runId);

        var html = await server.Http.GetAsync($"runs/{runId}/report");
        var markdown = await server.Http.GetAsync($"runs/{runId}/report?format=markdown");
        var json = await JsonOf(await server.Http.GetAsync($"runs/{runId}/report?format=json"));
        var badFormat = await ProblemOf(await server.Http.GetAsync($"runs/{runId}/report?format=pdf"), HttpStatusCode.BadRequest);
        await ProblemOf(await server.Http.GetAsync("runs/nothing-here/report"), HttpStatusCode.NotFound);

        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<!DOCTYPE html>", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("text/markdown", markdown.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith($"# Run {runId}", await markdown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, json.GetProperty("tasks").GetArrayLength());
        Assert.Equal(["query.format"], ErrorPaths(badFormat));
    }

    [Fact]
    public async Task A_bundled_flow_is_listed_and_started_over_http()
    {
        await using var server = await ServerHarness.StartAsync();

        var flows = await JsonOf(await server.Http.GetAsync("flows"));
        var missing = await ProblemOf(await server.PostJsonAsync("flows/enterprise-coordination/kickoff", "{}"), HttpStatusCode.BadRequest);
        await ProblemOf(await server.PostJsonAsync("flows/no-such-flow/kickoff", "{}"), HttpStatusCode.NotFound);
        var started = await server.PostJsonAsync("flows/enterprise-coordination/kickoff", """{"inputs":{"domain":"payments"},"runId":"http-flow"}""");

        Assert.Equal(["enterprise-coordination", "lead-score", "self-evaluation-loop", "write-a-book"], flows.GetProperty("flows").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["inputs.domain"], ErrorPaths(missing));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var run = await server.WaitForEndAsync("http-flow");
        Assert.Equal("Completed", run.GetProperty("status").GetString());
        Assert.Equal(4, run.GetProperty("output").GetProperty("tasks_output").GetArrayLength());
        var waited = await server.PostJsonAsync("flows/enterprise-coordination/kickoff?wait=60", """{"inputs":{"domain":"orders"}}""");
        Assert.Equal(HttpStatusCode.OK, waited.StatusCode);
        Assert.Equal("Completed", (await JsonOf(waited)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_OpenAPI_document_lists_every_endpoint()
    {
        await using var server = await ServerHarness.StartAsync();

        var document = await JsonOf(await server.Http.GetAsync("openapi.json"));

        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => op.Value.GetProperty("operationId").GetString()))
            .Order(StringComparer.Ordinal);
        Assert.Equal(CrewApi.Routes.Select(r => r.Name).Order(StringComparer.Ordinal), operations);
        Assert.Equal("3.0.3", document.GetProperty("openapi").GetString());
    }
}
