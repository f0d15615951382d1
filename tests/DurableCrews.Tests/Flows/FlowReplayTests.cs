using DurableCrews.Api;
using DurableCrews.Definitions;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static DurableCrews.Tests.Flows.FlowGraphTests;

namespace DurableCrews.Tests.Flows;

/// <summary>A flow run replayed from a step: earlier steps' results and state restored from the step's snapshot, the model asked only from that step on.</summary>
public sealed class FlowReplayTests
{
    /// <summary><see cref="Picked"/> with a third step, publish, after write.</summary>
    internal static FlowDefinition ChainFlow() => Parse(Picked + "\n  publish: { crew: publish }", PickedCrews(Crew("publish")));

    /// <summary>Runs <paramref name="flow"/> as <paramref name="runId"/> to its end, then replays it from <paramref name="step"/> as <c>{runId}-replay</c> and waits for that.</summary>
    static async Task<(RunView Source, RunView Replay)> RunAndReplayAsync(EngineHarness harness, FlowDefinition flow, string runId, string step, int iteration = 1)
    {
        var flows = harness.Engine.Services.GetRequiredService<FlowRunService>();
        await flows.KickoffAsync(flow, new KickoffRequest { RunId = runId });
        var source = await WaitAsync(harness, runId);
        Assert.Equal($"{runId}-replay", await flows.ReplayAsync(runId, step, iteration, $"{runId}-replay"));
        return (source, await WaitAsync(harness, $"{runId}-replay"));
    }

    [Fact]
    public async Task Replay_from_a_middle_step_asks_the_model_only_for_that_step_and_the_ones_after_it_on_the_state_before_it()
    {
        var model = PickingModel();
        await using var harness = await EngineHarness.StartAsync(model);

        var (_, replay) = await RunAndReplayAsync(harness, ChainFlow(), "chain", "write");

        Assert.Equal(CrewRunStatus.Completed, replay.Status);
        Assert.Equal(["do pick", "do write tides x1", "do publish", "do write tides x1", "do publish"], model.Requests.Select(r => r.TaskLine));
    }

    [Fact]
    public async Task A_replay_replayed_from_a_step_it_kept_starts_from_the_snapshot_of_the_run_that_ran_it()
    {
        var model = PickingModel();
        await using var harness = await EngineHarness.StartAsync(model);
        await RunAndReplayAsync(harness, ChainFlow(), "origin", "publish");

        string? again = await harness.Engine.Services.GetRequiredService<FlowRunService>().ReplayAsync("origin-replay", "write", newRunId: "again");

        Assert.Equal(CrewRunStatus.Completed, (await WaitAsync(harness, again!)).Status);
        Assert.Equal(["do write tides x1", "do publish"], model.Requests.Skip(4).Select(r => r.TaskLine));
    }

    [Fact]
    public async Task Replay_from_a_middle_step_keeps_the_earlier_steps_results_and_ends_with_the_same_state()
    {
        await using var harness = await EngineHarness.StartAsync(PickingModel());

        var (source, replay) = await RunAndReplayAsync(harness, ChainFlow(), "kept", "write");

        Assert.Equal(["pick", "write", "publish"], replay.Output!.TasksOutput.Select(t => t.Name));
        Assert.Equal(source.Output!.TasksOutput[0].Raw, replay.Output.TasksOutput[0].Raw);
        Assert.Equal(source.Flow!.State.ToJsonString(), replay.Flow!.State.ToJsonString());
    }

    /// <summary>A flow whose first step scores (JSON <c>score</c>) and routes to celebrate at 5 or more, else to improve.</summary>
    internal static FlowDefinition RoutedFlow() =>
        Parse(
            """
            steps:
              score:
                crew: score
                router:
                  - when: json.score >= 5
                    emit: good
                  - emit: poor
              celebrate: { crew: celebrate, listen: good }
              improve: { crew: improve, listen: poor }
            """,
            Crew("score", outputJson: """{"type": "object", "properties": {"score": {"type": "integer"}}}"""), Crew("celebrate"), Crew("improve"));

    static FlowDefinition LoopFlow() =>
        Parse(Loop.Replace("MAX", "5", StringComparison.Ordinal).Replace("GOAL", "3", StringComparison.Ordinal), Crew("draft"), Crew("review"), Crew("publish"));

    [Fact]
    public async Task Replay_from_a_step_inside_a_loop_goes_round_the_loop_again_from_that_step()
    {
        var model = new ScriptedChatClient(r => "fine");
        await using var harness = await EngineHarness.StartAsync(model);

        var (_, replay) = await RunAndReplayAsync(harness, LoopFlow(), "looped", "review");

        Assert.Equal(CrewRunStatus.Completed, replay.Status);
        Assert.Equal(["do review", "do draft", "do review", "do draft", "do review", "do publish"], model.Requests.Skip(7).Select(r => r.TaskLine));
    }

    [Fact]
    public async Task Replay_from_a_later_iteration_of_a_loop_step_restores_the_iterations_before_it()
    {
        var model = new ScriptedChatClient(r => "fine");
        await using var harness = await EngineHarness.StartAsync(model);

        var (_, replay) = await RunAndReplayAsync(harness, LoopFlow(), "second", "review", iteration: 2);

        Assert.Equal(["do review", "do draft", "do review", "do publish"], model.Requests.Skip(7).Select(r => r.TaskLine));
        Assert.Equal(3, replay.Progress!.Iterations!["draft"]);
    }

    [Fact]
    public async Task Replay_from_a_router_step_routes_by_its_new_answer()
    {
        int scores = 0;
        var model = new ScriptedChatClient(r => !r.TaskLine.StartsWith("do score", StringComparison.Ordinal) ? "fine" : Interlocked.Increment(ref scores) == 1 ? """{"score": 8}""" : """{"score": 2}""");
        await using var harness = await EngineHarness.StartAsync(model);
        var (source, replay) = await RunAndReplayAsync(harness, RoutedFlow(), "routed", "score");

        Assert.Equal(["score", "celebrate"], source.Output!.TasksOutput.Select(t => t.Name));
        Assert.Equal(["score", "improve"], replay.Output!.TasksOutput.Select(t => t.Name));
    }

    [Fact]
    public async Task Replay_keeps_what_a_step_waiting_on_all_of_its_dependencies_heard_before_the_step()
    {
        var model = new ScriptedChatClient(r => "fine");
        await using var harness = await EngineHarness.StartAsync(model);
        var flow = Parse(
            """
            state: { ready: true }
            steps:
              a: { crew: a }
              b: { crew: b, listen: a }
              c: { crew: c, listen: b }
              d: { crew: d, depends_on: [a, c] }
            """,
            Crew("a"), Crew("b"), Crew("c"), Crew("d"));

        var (_, replay) = await RunAndReplayAsync(harness, flow, "joined", "c");

        Assert.Equal(CrewRunStatus.Completed, replay.Status);
        Assert.Equal(["do c", "do d"], model.Requests.Skip(4).Select(r => r.TaskLine));
    }

    [Fact]
    public async Task Replay_from_one_of_the_steps_started_together_runs_the_others_again_with_it()
    {
        var model = new ScriptedChatClient(r => "fine");
        await using var harness = await EngineHarness.StartAsync(model);
        var flow = Parse(
            """
            state: { ready: true }
            steps:
              quick: { crew: quick, start: true }
              slow: { crew: slow, start: true }
              both: { crew: both, depends_on: [quick, slow] }
            """,
            Crew("quick"), Crew("slow"), Crew("both"));

        var (_, replay) = await RunAndReplayAsync(harness, flow, "together", "slow");

        var asked = model.Requests.Skip(3).Select(r => r.TaskLine).ToList();
        Assert.Equal(CrewRunStatus.Completed, replay.Status);
        Assert.Equal(["do quick", "do slow"], asked.Take(2).Order(StringComparer.Ordinal));
        Assert.Equal(["do both"], asked.Skip(2));
    }
}
