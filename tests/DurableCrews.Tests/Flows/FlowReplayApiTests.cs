using System.Net;
using System.Text.Json;
using DurableCrews.Api;
using DurableCrews.Runs;
using DurableCrews.Storage;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static DurableCrews.Tests.Support.ServerHarness;
using static DurableCrews.Tests.Flows.FlowGraphTests;

namespace DurableCrews.Tests.Flows;

/// <summary><c>POST /api/runs/{runId}/replay?from_step=</c>: what a flow run's replay refuses, and why.</summary>
public sealed class FlowReplayApiTests
{
    const string TwoTasks =
        """
        agents:
          writer: { role: Writer, goal: Write, backstory: Clear }
        tasks:
          outline: { description: Outline it, expected_output: An outline, agent: writer }
          draft: { description: Draft it, expected_output: A draft, agent: writer }
        """;

    /// <summary>A server with the ended flow run <c>scored</c> (score, then celebrate) and the ended crew run <c>crewed</c>.</summary>
    static async Task<ServerHarness> StartWithRunsAsync()
    {
        var server = await ServerHarness.StartAsync(new ScriptedChatClient(r => r.TaskLine.StartsWith("do score", StringComparison.Ordinal) ? """{"score": 8}""" : "fine"));
        await Flows(server).KickoffAsync(FlowReplayTests.RoutedFlow(), new KickoffRequest { RunId = "scored" });
        Assert.Equal(HttpStatusCode.OK, (await server.PutCrewAsync("two-tasks", TwoTasks)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await server.PostJsonAsync("crews/two-tasks/kickoff", """{"inputs":{},"runId":"crewed"}""")).StatusCode);
        await server.WaitForEndAsync("scored");
        await server.WaitForEndAsync("crewed");
        return server;
    }

    static FlowRunService Flows(ServerHarness server) => server.Engine.Engine.Services.GetRequiredService<FlowRunService>();

    static async Task<JsonElement> ProblemAsync(ServerHarness server, string query, HttpStatusCode status)
    {
        var response = await server.Http.PostAsync($"runs/{query}", null);
        Assert.Equal(status, response.StatusCode);
        return await JsonOf(response);
    }

    static string Detail(JsonElement problem) => problem.GetProperty("detail").GetString()!;

    /// <summary>What a problem says: its detail, or its errors as <c>path: message</c>.</summary>
    static string Said(JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) && errors.GetArrayLength() > 0
            ? string.Join("; ", errors.EnumerateArray().Select(e => $"{e.GetProperty("path").GetString()}: {e.GetProperty("message").GetString()}"))
            : Detail(problem);

    [Theory]
    [InlineData("scored/replay?from_step=polish", HttpStatusCode.BadRequest, "from_step: flow 'flow' has no step named 'polish'; its steps: score, celebrate, improve")]
    [InlineData("scored/replay?from_step=improve", HttpStatusCode.Conflict, "Step 'improve' never ran in run 'scored' (the steps that ran: score, celebrate), so there is nothing to replay it from.")]
    [InlineData("scored/replay?from_step=score&iteration=2", HttpStatusCode.Conflict, "Step 'score' never began its run 2 in run 'scored' (the steps that ran: score, celebrate), so there is nothing to replay it from.")]
    [InlineData("nobody/replay?from_step=score", HttpStatusCode.NotFound, "There is no run 'nobody'.")]
    [InlineData("scored/replay?from_step=score&run_id=crewed", HttpStatusCode.Conflict, "A run with id 'crewed' exists already.")]
    [InlineData("scored/replay?from_task=score", HttpStatusCode.BadRequest, "query.from_task: run 'scored' is a flow run; replay it from a step with from_step")]
    [InlineData("crewed/replay?from_step=draft", HttpStatusCode.BadRequest, "from_step: run 'crewed' is a crew run, not a flow run; replay it with from_task")]
    public async Task A_replay_that_cannot_be_made_is_refused_saying_why(string query, HttpStatusCode status, string why)
    {
        await using var server = await StartWithRunsAsync();

        var problem = await ProblemAsync(server, query, status);

        Assert.Equal(why, Said(problem));
    }

    [Fact]
    public async Task A_replay_of_a_run_still_running_is_a_conflict()
    {
        await using var server = await StartWithRunsAsync();
        var flow = Parse(
            """
            steps:
              ask:
                human_feedback: { message: "Go on?", outcomes: [yes, no] }
              go: { crew: celebrate, listen: "yes" }
              stop: { crew: improve, listen: "no" }
            """,
            Crew("celebrate"), Crew("improve"));
        await Flows(server).KickoffAsync(flow, new KickoffRequest { RunId = "asking" });

        var problem = await ProblemAsync(server, "asking/replay?from_step=ask", HttpStatusCode.Conflict);

        Assert.Contains("still running", Detail(problem), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_recorded_before_snapshots_cannot_be_replayed_from_a_step()
    {
        await using var server = await StartWithRunsAsync();
        var blobs = server.Engine.Blobs;
        var old = (await server.Engine.Runs.GetFlowAsync("scored"))! with { TakesSnapshots = false };
        await blobs.PutAsync(BlobNames.RunsContainer, RunBlobs.FlowBlob("scored"), CrewJson.ToBinary(old), cancellationToken: default);
        await blobs.DeleteUnderAsync(BlobNames.RunsContainer, ["scored/snapshots/"], default);

        var problem = await ProblemAsync(server, "scored/replay?from_step=score", HttpStatusCode.Conflict);

        Assert.Contains("recorded before flow runs kept a snapshot before each step", Detail(problem), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flow_of_crews_with_depends_on_only_is_replayed_from_a_step()
    {
        await using var server = await StartWithRunsAsync();
        var flow = Parse("steps:\n  first: { crew: celebrate }\n  second: { crew: improve, depends_on: [first] }\n", Crew("celebrate"), Crew("improve"));
        await Flows(server).KickoffAsync(flow, new KickoffRequest { RunId = "plain" });
        await server.WaitForEndAsync("plain");

        var response = await server.Http.PostAsync("runs/plain/replay?from_step=second&run_id=plain-again", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("Completed", (await server.WaitForEndAsync("plain-again")).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("from_step=score&from_task=score", "query.from_task")]
    [InlineData("from_step=..%2Fscore", "query.from_step")]
    [InlineData("from_step=score&iteration=0", "query.iteration")]
    [InlineData("from_step=score&iteration=99999999999", "query.iteration")]
    public async Task A_replay_from_a_step_with_a_bad_query_value_is_refused_with_its_path(string query, string path)
    {
        await using var server = await StartWithRunsAsync();

        var problem = await ProblemAsync(server, $"scored/replay?{query}", HttpStatusCode.BadRequest);

        Assert.StartsWith($"{path}: ", Said(problem), StringComparison.Ordinal);
    }
}
