using DurableCrews.Api;
using DurableCrews.Definitions;
using DurableCrews.Orchestration.Flows;
using DurableCrews.Runs;
using DurableCrews.Storage;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static DurableCrews.Tests.Flows.FlowGraphTests;

namespace DurableCrews.Tests.Flows;

/// <summary>
/// A flow step that runs alone with one inline crew run is finished by that run's completion (orchestration version 5):
/// the same state, routes and failures as the finish's own activity, with one activity fewer per step run, and the
/// activity taking over when the finish cannot be done there.
/// </summary>
public sealed class StepFinishedWithRunTests
{
    /// <summary>draft → review (sets tries, routes) → draft … until three reviews, then publish: each step runs alone.</summary>
    static FlowDefinition Loop() =>
        Parse(FlowGraphTests.Loop.Replace("MAX", "5", StringComparison.Ordinal).Replace("GOAL", "3", StringComparison.Ordinal), Crew("draft"), Crew("review"), Crew("publish"));

    static async Task<RunView> RunAsync(EngineHarness harness, FlowDefinition flow, string runId)
    {
        await harness.Engine.Services.GetRequiredService<FlowRunService>().KickoffAsync(flow, new KickoffRequest { Inputs = new Dictionary<string, string>(), RunId = runId });
        return await WaitAsync(harness, runId);
    }

    [Fact]
    public async Task Each_step_of_a_loop_running_alone_is_its_crew_runs_one_turn_with_the_same_state_and_routes()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(_ => "fine"));
        var (activitiesBefore, _) = harness.Engine.WorkDone;

        var run = await RunAsync(harness, Loop(), "alone");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var state = await harness.Runs.GetFlowStateAsync("alone");
        Assert.Equal("3", state!.State["tries"]!.ToJsonString());
        Assert.Equal(
            [("draft", 1), ("review", 1), ("draft", 2), ("review", 2), ("draft", 3), ("review", 3), ("publish", 1)],
            state.History.Select(h => (h.Step, h.Iteration)));
        Assert.Equal(["retry"], state.History[1].Labels);
        Assert.Equal(["done"], state.History[5].Labels);

        // The flow's start and first begin, one turn per step run (7), the flow's completion: no finish of its own.
        Assert.Equal(2 + 7 + 1, harness.Engine.WorkDone.Activities - activitiesBefore);
    }

    [Fact]
    public async Task A_step_whose_finish_order_is_large_is_finished_by_its_own_activity_which_records_it_once()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(_ => "fine"));
        string large = new('x', FlowGraphRun.MaxFinishOrderBytes);
        var flow = Parse(
            $$"""
            state: { notes: "{{large}}", rounds: 0 }
            steps:
              work:
                crew: work
                start: true
                listen: again
                set: { rounds: state.rounds + 1 }
                router:
                  - when: state.rounds < 3
                    emit: again
            """,
            Crew("work"));
        var (activitiesBefore, _) = harness.Engine.WorkDone;

        var run = await RunAsync(harness, flow, "large");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal("3", (await harness.Runs.GetFlowStateAsync("large"))!.State["rounds"]!.ToJsonString());

        // The flow's start and first begin, a turn and a finish per run of the step (3), the flow's completion.
        Assert.Equal(2 + (3 * 2) + 1, harness.Engine.WorkDone.Activities - activitiesBefore);
    }

    [Fact]
    public async Task A_set_that_fails_on_the_runs_values_fails_the_flow_naming_it_as_the_finishs_own_activity_does()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(_ => "fine"));
        var flow = Parse(
            """
            state: { zero: 0 }
            steps:
              count:
                crew: count
                set: { share: 1 / state.zero }
              after: { crew: after, listen: count }
            """,
            Crew("count"), Crew("after"));

        var run = await RunAsync(harness, flow, "divided");

        Assert.Equal(CrewRunStatus.Failed, run.Status);
        Assert.Contains("steps.count.set.share: Division by zero.", run.Error, StringComparison.Ordinal);
        Assert.Null(await harness.Runs.GetResultAsync("divided.after"));
        Assert.Null(await harness.Runs.GetFlowStateAsync("divided"));
    }

    [Fact]
    public async Task A_finish_whose_state_write_fails_in_the_completion_is_done_by_its_own_activity_and_the_loop_goes_on()
    {
        FirstWriteFails? store = null;
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(_ => "fine"), configureServices: services => services.AddSingleton<IBlobStore>(sp =>
            store = new FirstWriteFails(StorageServiceCollectionExtensions.CreateBlobStore(sp.GetRequiredService<IOptions<StorageOptions>>().Value), "/state.json")));
        var (activitiesBefore, _) = harness.Engine.WorkDone;

        var run = await RunAsync(harness, Loop(), "refused");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.True(store!.Failed);
        var state = await harness.Runs.GetFlowStateAsync("refused");
        Assert.Equal("3", state!.State["tries"]!.ToJsonString());
        Assert.Equal(7, state.History.Count);

        // As above, and the first draft's finish once more as an activity of its own.
        Assert.Equal(2 + 7 + 1 + 1, harness.Engine.WorkDone.Activities - activitiesBefore);
    }

    [Fact]
    public async Task Steps_running_side_by_side_are_finished_by_the_finishs_own_activity_and_both_sets_are_kept()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(_ => "fine", latency: TimeSpan.FromMilliseconds(50)));
        var flow = Parse(
            """
            state: { left: 0, right: 0 }
            steps:
              left: { crew: left, start: true, set: { left: state.left + 1 } }
              right: { crew: right, start: true, set: { right: state.right + 2 } }
              join: { crew: join, depends_on: [left, right] }
            """,
            Crew("left"), Crew("right"), Crew("join"));
        var (activitiesBefore, _) = harness.Engine.WorkDone;

        var run = await RunAsync(harness, flow, "sides");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var state = await harness.Runs.GetFlowStateAsync("sides");
        Assert.Equal(("1", "2"), (state!.State["left"]!.ToJsonString(), state.State["right"]!.ToJsonString()));

        // The flow's start, two begins, two turns and two finishes for the steps side by side, then join alone: its
        // begin (a finish begins only the steps that listen) and one turn, and the flow's completion.
        Assert.Equal(1 + 2 + 2 + 2 + 2 + 1, harness.Engine.WorkDone.Activities - activitiesBefore);
    }
}
