using DurableCrews.Api;
using DurableCrews.Definitions;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static DurableCrews.Tests.Flows.FlowGraphTests;

namespace DurableCrews.Tests.Flows;

/// <summary>
/// A flow of crews chained by <c>depends_on</c> only, replayed from a step: that step and every step depending on it
/// run again; the others keep their results, copied into the replay.
/// </summary>
public sealed class LinearFlowReplayTests
{
    /// <summary>discover; ingest (reading discover's output) and govern after it; summary after both.</summary>
    static FlowDefinition Coordination() => Parse(
        """
        steps:
          discover: { crew: discover }
          ingest: { crew: ingest, depends_on: [discover], inputs: { found: "{steps.discover.output}" } }
          govern: { crew: govern, depends_on: [discover] }
          summary: { crew: summary, depends_on: [ingest, govern] }
        """,
        Crew("discover"), Crew("ingest", "found"), Crew("govern"), Crew("summary"));

    static string Answer(ScriptedRequest request) => request.TaskLine == "do discover" ? "tides" : "fine";

    static FlowRunService Flows(EngineHarness harness) => harness.Engine.Services.GetRequiredService<FlowRunService>();

    /// <summary>Runs <see cref="Coordination"/> as <paramref name="runId"/> to its end.</summary>
    static async Task<RunView> RunAsync(EngineHarness harness, string runId)
    {
        await Flows(harness).KickoffAsync(Coordination(), new KickoffRequest { RunId = runId });
        return await WaitAsync(harness, runId);
    }

    /// <summary>Replays <paramref name="runId"/> from <paramref name="step"/> as <paramref name="replayId"/> and waits for its end.</summary>
    static async Task<RunView> ReplayAsync(EngineHarness harness, string runId, string step, string replayId)
    {
        Assert.Equal(replayId, await Flows(harness).ReplayAsync(runId, step, newRunId: replayId));
        return await WaitAsync(harness, replayId);
    }

    [Fact]
    public async Task Replay_from_a_step_asks_the_model_only_for_it_and_the_steps_depending_on_it()
    {
        var model = new ScriptedChatClient(Answer);
        await using var harness = await EngineHarness.StartAsync(model);
        await RunAsync(harness, "linear");

        var replay = await ReplayAsync(harness, "linear", "ingest", "linear-again");

        Assert.Equal(CrewRunStatus.Completed, replay.Status);
        Assert.Equal(["do ingest tides", "do summary"], model.Requests.Skip(4).Select(r => r.TaskLine));
    }

    [Fact]
    public async Task Replay_keeps_the_results_of_the_steps_that_do_not_depend_on_its_step()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(Answer));
        var source = await RunAsync(harness, "kept");

        var replay = await ReplayAsync(harness, "kept", "ingest", "kept-again");

        var kept = source.Output!.TasksOutput.Where(t => t.Name is "discover" or "govern").Select(t => (t.Name, t.Raw, t.FinishedAt));
        Assert.Equal(kept, replay.Output!.TasksOutput.Where(t => t.Name is "discover" or "govern").Select(t => (t.Name, t.Raw, t.FinishedAt)));
    }

    [Fact]
    public async Task A_replay_whose_source_is_deleted_while_it_runs_completes_with_the_kept_results()
    {
        Task hold = Task.CompletedTask;
        await using var harness = await EngineHarness.StartAsync(FlowReplayCopyTests.HeldModel(Answer, () => hold));
        await RunAsync(harness, "gone");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hold = release.Task;

        await Flows(harness).ReplayAsync("gone", "ingest", newRunId: "stays");
        Assert.Equal(RunActionResult.Done, await harness.Engine.Runs.DeleteAsync("gone"));
        release.SetResult();

        var replay = await WaitAsync(harness, "stays");
        Assert.Equal(CrewRunStatus.Completed, replay.Status);
        Assert.Equal([("discover", "tides"), ("ingest", "fine"), ("govern", "fine"), ("summary", "fine")], replay.Output!.TasksOutput.Select(t => (t.Name, t.Raw)));
    }

    [Fact]
    public async Task A_replay_of_a_replay_whose_source_is_deleted_starts_from_a_step_it_kept()
    {
        var model = new ScriptedChatClient(Answer);
        await using var harness = await EngineHarness.StartAsync(model);
        await RunAsync(harness, "origin");
        await ReplayAsync(harness, "origin", "summary", "middle");
        Assert.Equal(RunActionResult.Done, await harness.Engine.Runs.DeleteAsync("origin"));

        var last = await ReplayAsync(harness, "middle", "govern", "last");

        Assert.Equal(CrewRunStatus.Completed, last.Status);
        Assert.Equal(["do govern", "do summary"], model.Requests.Skip(5).Select(r => r.TaskLine));
    }

    [Theory]
    [InlineData("ingest", 1, "Step 'ingest' never ran in run 'broken' (the steps that ran: discover), so there is nothing to replay it from.")]
    [InlineData("discover", 2, "Step 'discover' never began its run 2 in run 'broken' (the steps that ran: discover), so there is nothing to replay it from.")]
    public async Task A_replay_from_a_run_of_a_step_that_never_began_is_refused(string step, int iteration, string why)
    {
        var model = new ScriptedChatClient(r => r.TaskLine == "do discover" ? throw new InvalidOperationException("the model broke") : "fine");
        await using var harness = await EngineHarness.StartAsync(model);
        Assert.Equal(CrewRunStatus.Failed, (await RunAsync(harness, "broken")).Status);

        var refused = await Assert.ThrowsAsync<RunConflictException>(() => Flows(harness).ReplayAsync("broken", step, iteration));

        Assert.Equal(why, refused.Message);
    }
}
