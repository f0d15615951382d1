using System.Net;
using System.Text;
using System.Text.Json;
using DurableCrews.Orchestration.AgentWork;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Functions;

/// <summary>
/// The run API of the published Functions app in the real Functions host, over HTTP with the host's function key:
/// kickoffs with and without <c>?wait</c>, status, the list, human input through events, terminate, replay, a
/// hierarchical crew whose delegations run at the same time, a flow, a file tool and an MCP stdio tool, and bad input.
/// </summary>
[Collection(FunctionsHostCollection.Name)]
public sealed class FunctionsHostRunTests(FunctionsHostFixture fixture)
{
    static async Task<JsonElement> JsonOf(HttpResponseMessage response, HttpStatusCode status)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    static IEnumerable<string?> Raws(JsonElement run) =>
        run.GetProperty("output").GetProperty("tasks_output").EnumerateArray().Select(t => t.GetProperty("raw").GetString());

    /// <summary>Uploads the crew <c>reviewed</c>: one task that waits for a person's approval.</summary>
    public static async Task PutReviewedAsync(FunctionsHostProcess host)
    {
        ArgumentNullException.ThrowIfNull(host);
        using var stored = await host.Http.PutAsync("crews/reviewed", new StringContent(DashboardE2e.ReviewedCrew, Encoding.UTF8, "application/yaml"));
        Assert.True(stored.IsSuccessStatusCode, await stored.Content.ReadAsStringAsync());
    }

    static bool WaitsForPerson(JsonElement run) =>
        run.TryGetProperty("progress", out var progress)
        && progress.GetProperty("running").EnumerateArray().Any(t => t.TryGetProperty("waiting_for", out var w) && w.GetString() == HumanReview.EventName);

    [SkippableFact]
    public async Task Kickoff_with_wait_answers_the_finished_run_and_without_wait_202_with_urls_that_status_and_list_follow()
    {
        var host = fixture.Host;

        var waited = await JsonOf(await host.PostJsonAsync("crews/contextual-workflow/kickoff?wait=60", """{"inputs":{"base_topic":"clickstreams"},"runId":"fh-waited"}"""), HttpStatusCode.OK);
        var accepted = await host.PostJsonAsync("crews/contextual-workflow/kickoff", """{"inputs":{"base_topic":"payments"},"runId":"fh-accepted"}""");
        var body = await JsonOf(accepted, HttpStatusCode.Accepted);
        var run = await host.WaitForEndAsync("fh-accepted");
        var listed = await host.GetJsonAsync("runs?crew=contextual-workflow");

        Assert.Equal("Completed", waited.GetProperty("output").GetProperty("status").GetString());
        Assert.Equal("/api/runs/fh-accepted", accepted.Headers.Location?.OriginalString);
        Assert.EndsWith("/api/runs/fh-accepted/terminate", body.GetProperty("terminate_url").GetString(), StringComparison.Ordinal);
        Assert.Equal("Completed", run.GetProperty("status").GetString());
        Assert.Equal(2, run.GetProperty("output").GetProperty("tasks_output").GetArrayLength());
        Assert.Contains("payments", run.GetProperty("output").GetProperty("raw").GetString(), StringComparison.Ordinal);
        Assert.Superset(
            new HashSet<string?> { "fh-waited", "fh-accepted" },
            listed.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("run_id").GetString()).ToHashSet());
    }

    [SkippableFact]
    public async Task Bad_requests_are_answered_with_problems_and_a_request_without_the_key_is_refused()
    {
        var host = fixture.Host;
        using var keyless = new HttpClient { BaseAddress = host.Http.BaseAddress };

        var missingInput = await JsonOf(await host.PostJsonAsync("crews/contextual-workflow/kickoff", """{"inputs":{}}"""), HttpStatusCode.BadRequest);
        var notJson = await JsonOf(await host.PostJsonAsync("crews/contextual-workflow/kickoff", "{not json"), HttpStatusCode.BadRequest);
        var unknown = await JsonOf(await host.PostJsonAsync("crews/no-such-crew/kickoff", "{}"), HttpStatusCode.NotFound);
        using var withoutKey = await keyless.GetAsync("runs");

        Assert.Contains(missingInput.GetProperty("errors").EnumerateArray(), e => e.GetProperty("path").GetString()!.EndsWith("base_topic", StringComparison.Ordinal));
        Assert.Equal(400, notJson.GetProperty("status").GetInt32());
        Assert.Equal(404, unknown.GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
    }

    [SkippableFact]
    public async Task Human_input_raised_through_events_completes_the_run_and_terminate_ends_one_that_waits()
    {
        var host = fixture.Host;
        await PutReviewedAsync(host);
        await JsonOf(await host.PostJsonAsync("crews/reviewed/kickoff", """{"inputs":{"topic":"tides"},"runId":"fh-approved"}"""), HttpStatusCode.Accepted);
        await JsonOf(await host.PostJsonAsync("crews/reviewed/kickoff", """{"inputs":{"topic":"waves"},"runId":"fh-terminated"}"""), HttpStatusCode.Accepted);
        await host.WaitForRunAsync("fh-approved", WaitsForPerson);
        await host.WaitForRunAsync("fh-terminated", WaitsForPerson);

        var raised = await JsonOf(await host.PostJsonAsync($"runs/fh-approved/events/{HumanReview.EventName}", """{"approved":true}"""), HttpStatusCode.Accepted);
        var terminated = await host.Http.PostAsync("runs/fh-terminated/terminate", null);
        var approved = await host.WaitForEndAsync("fh-approved");
        var ended = await host.WaitForEndAsync("fh-terminated");

        Assert.Equal("fh-approved/t0", raised.GetProperty("instance").GetString());
        Assert.Equal("Completed", approved.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Accepted, terminated.StatusCode);
        Assert.Equal("Terminated", ended.GetProperty("status").GetString());
    }

    [SkippableFact]
    public async Task Replay_from_a_task_starts_a_new_run_that_keeps_the_outputs_before_it()
    {
        var host = fixture.Host;
        var first = await JsonOf(await host.PostJsonAsync("crews/contextual-workflow/kickoff?wait=60", """{"inputs":{"base_topic":"orders"},"runId":"fh-replayed-from"}"""), HttpStatusCode.OK);

        await JsonOf(await host.Http.PostAsync("runs/fh-replayed-from/replay?fromTask=validation_task&runId=fh-replay", null), HttpStatusCode.Accepted);
        var replay = await host.WaitForEndAsync("fh-replay");

        Assert.Equal("Completed", replay.GetProperty("status").GetString());
        Assert.Equal(Raws(first).First(), Raws(replay).First());
    }

    [SkippableFact]
    public async Task Replay_of_a_flow_from_a_step_starts_a_new_run_that_keeps_the_steps_before_it()
    {
        var host = fixture.Host;
        var first = await JsonOf(await host.PostJsonAsync("flows/self-evaluation-loop/kickoff?wait=90", """{"inputs":{},"runId":"fh-flow-replayed-from"}"""), HttpStatusCode.OK);

        await JsonOf(await host.Http.PostAsync("runs/fh-flow-replayed-from/replay?from_step=evaluate_x_post&run_id=fh-flow-replay", null), HttpStatusCode.Accepted);
        var replay = await host.WaitForEndAsync("fh-flow-replay");

        Assert.Equal("Completed", replay.GetProperty("status").GetString());
        Assert.Equal(Raws(first).First(), Raws(replay).First());
    }

    [SkippableFact]
    public async Task A_hierarchical_crew_runs_its_delegations_at_the_same_time()
    {
        var host = fixture.Host;

        var run = await JsonOf(await host.PostJsonAsync("crews/data-platform/kickoff?wait=90", """{"inputs":{"platform":"payments"},"runId":"fh-hierarchical"}"""), HttpStatusCode.OK);

        var output = run.GetProperty("output");
        Assert.Equal("Completed", output.GetProperty("status").GetString());
        var delegations = output.GetProperty("tasks_output").EnumerateArray()
            .SelectMany(t => t.GetProperty("delegations").EnumerateArray())
            .Select(d => (Start: d.GetProperty("started_at").GetDateTimeOffset(), End: d.GetProperty("finished_at").GetDateTimeOffset()))
            .ToList();
        Assert.True(delegations.Count >= 2, $"{delegations.Count} delegation(s)");
        Assert.Contains(delegations, a => delegations.Any(b => a != b && a.Start < b.End && b.Start < a.End));
    }

    [SkippableFact]
    public async Task A_flow_runs_its_crews_to_completion()
    {
        var host = fixture.Host;

        var flow = await JsonOf(await host.PostJsonAsync("flows/enterprise-coordination/kickoff?wait=90", """{"inputs":{"domain":"payments"},"runId":"fh-flow"}"""), HttpStatusCode.OK);

        Assert.Equal("Completed", flow.GetProperty("output").GetProperty("status").GetString());
        Assert.Contains("payments", flow.GetProperty("output").GetProperty("raw").GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Agents_call_the_file_tool_and_the_mcp_stdio_server_defined_in_app_settings()
    {
        var host = fixture.Host;

        var run = await JsonOf(await host.PostJsonAsync("crews/tool-desk/kickoff?wait=90", """{"inputs":{"check_phrase":"tools answer in the host"},"runId":"fh-tools"}"""), HttpStatusCode.OK);

        var output = run.GetProperty("output");
        Assert.Equal("Completed", output.GetProperty("status").GetString());
        var calls = output.GetProperty("tasks_output").EnumerateArray()
            .SelectMany(t => t.GetProperty("tool_calls").EnumerateArray())
            .Select(c => c.GetProperty("tool").GetString())
            .ToList();
        Assert.Contains(calls, c => c is "file_read" or "FileReadTool");
        Assert.Contains("echo", calls);
        Assert.Contains("Echo: tools answer in the host", string.Join('\n', Raws(run)), StringComparison.Ordinal);
    }
}
