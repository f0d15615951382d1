using DurableCrews.Api;
using DurableCrews.Runs;
using DurableCrews.Storage;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using static DurableCrews.Tests.Flows.FlowGraphTests;

namespace DurableCrews.Tests.Flows;

/// <summary>A flow run's replay keeps its own copies of what it reuses, so the run it replays can be deleted as soon as it starts.</summary>
public sealed class FlowReplayCopyTests
{
    /// <summary>A model answering as <paramref name="answer"/>, each answer held until the task <paramref name="hold"/> gives then has completed.</summary>
    internal static ScriptedChatClient HeldModel(Func<ScriptedRequest, string> answer, Func<Task> hold) =>
        new(async request =>
        {
            await hold().WaitAsync(TimeSpan.FromSeconds(60));
            return new ChatMessage(ChatRole.Assistant, answer(request));
        });

    static FlowRunService Flows(EngineHarness harness) => harness.Engine.Services.GetRequiredService<FlowRunService>();

    /// <summary>Runs <see cref="FlowReplayTests.ChainFlow"/> as <paramref name="runId"/> to its end.</summary>
    static async Task RunChainAsync(EngineHarness harness, string runId)
    {
        await Flows(harness).KickoffAsync(FlowReplayTests.ChainFlow(), new KickoffRequest { RunId = runId });
        Assert.Equal(CrewRunStatus.Completed, (await WaitAsync(harness, runId)).Status);
    }

    [Fact]
    public async Task A_replay_whose_source_is_deleted_while_it_runs_completes_with_the_kept_results()
    {
        Task hold = Task.CompletedTask;
        var model = HeldModel(r => r.TaskLine.StartsWith("do pick", StringComparison.Ordinal) ? """{"topic": "tides"}""" : "fine", () => hold);
        await using var harness = await EngineHarness.StartAsync(model);
        await RunChainAsync(harness, "deleted");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hold = release.Task;

        string? replay = await Flows(harness).ReplayAsync("deleted", "write", newRunId: "survivor");
        Assert.Equal(RunActionResult.Done, await harness.Engine.Runs.DeleteAsync("deleted"));
        release.SetResult();

        var ended = await WaitAsync(harness, replay!);
        Assert.Equal(CrewRunStatus.Completed, ended.Status);
        Assert.Equal([("pick", """{"topic": "tides"}"""), ("write", "fine"), ("publish", "fine")], ended.Output!.TasksOutput.Select(t => (t.Name, t.Raw)));
    }

    [Fact]
    public async Task A_replay_of_a_replay_whose_source_is_deleted_starts_from_a_step_it_kept()
    {
        var model = PickingModel();
        await using var harness = await EngineHarness.StartAsync(model);
        await RunChainAsync(harness, "first");
        await Flows(harness).ReplayAsync("first", "publish", newRunId: "second");
        Assert.Equal(CrewRunStatus.Completed, (await WaitAsync(harness, "second")).Status);
        Assert.Equal(RunActionResult.Done, await harness.Engine.Runs.DeleteAsync("first"));

        string? third = await Flows(harness).ReplayAsync("second", "write", newRunId: "third");

        Assert.Equal(CrewRunStatus.Completed, (await WaitAsync(harness, third!)).Status);
        Assert.Equal(["do write tides x1", "do publish"], model.Requests.Skip(4).Select(r => r.TaskLine));
    }

    [Fact]
    public async Task A_replay_that_would_keep_a_crew_run_whose_result_is_gone_is_refused_and_stores_nothing()
    {
        await using var harness = await EngineHarness.StartAsync(PickingModel());
        await RunChainAsync(harness, "lost");
        await harness.Blobs.DeleteAsync(BlobNames.RunsContainer, RunBlobs.ResultBlob("lost.pick"));

        var refused = await Assert.ThrowsAsync<RunConflictException>(() => Flows(harness).ReplayAsync("lost", "write", newRunId: "lost-again"));

        Assert.Equal(
            "Crew run 'lost.pick' of step 'pick', which a replay of run 'lost' from step 'write' keeps, has no stored result (was the run that ran it deleted?); replay from an earlier step.",
            refused.Message);
        Assert.Null(await harness.Runs.GetFlowAsync("lost-again"));
    }
}
