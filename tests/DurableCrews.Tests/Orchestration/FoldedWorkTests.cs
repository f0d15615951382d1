using DurableCrews.Orchestration.AgentWork;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Runs;
using DurableCrews.Storage;
using DurableCrews.Tests.Support;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace DurableCrews.Tests.Orchestration;

/// <summary>
/// An agent's work begins in its first turn's activity and finishes in its last, so a one-turn task is one activity;
/// works started by the version before (begin, turns, finish as separate activities) still replay and finish as they ran.
/// </summary>
public sealed class FoldedWorkTests
{
    /// <summary>Stores the request of a one-task run, as a kickoff does, without starting it.</summary>
    static async Task<string> StoreOneTaskRunAsync(EngineHarness harness, string prefix)
    {
        string runId = $"{prefix}-{Guid.NewGuid():N}"[..20];
        var crew = new CrewBuilder().Agent("a").Task("only", "a").Build();
        await harness.Runs.SaveRunAsync(new RunRecord { RunId = runId, Definition = crew, Inputs = new Dictionary<string, string>(), CreatedAt = DateTimeOffset.UtcNow });
        return runId;
    }

    [Fact]
    public async Task A_one_turn_task_is_one_activity_between_the_runs_start_and_end()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(_ => Task.FromResult(CrewEdits.Answer("done"))));
        var crew = new CrewBuilder().Agent("a").Task("first", "a").Task("second", "a").Build();
        var (activitiesBefore, _) = harness.Engine.WorkDone;

        var run = await harness.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(["done", "done"], run.Output!.TasksOutput.Select(t => t.Raw));
        Assert.NotNull(await harness.Runs.GetTranscriptAsync(run.RunId, 1, "second"));
        // One turn per task (begun and finished inside it, the last one completing the run too): 2, where it was 2 + 3 per task.
        Assert.Equal(2, harness.Engine.WorkDone.Activities - activitiesBefore);
        Assert.NotNull(await harness.Runs.GetResultAsync(run.RunId));
    }

    [Fact]
    public async Task A_first_turn_delivered_again_after_it_finished_the_task_finds_the_output_and_asks_no_model()
    {
        var model = new ScriptedChatClient(_ => Task.FromResult(CrewEdits.Answer("once")));
        await using var harness = await EngineHarness.StartAsync(model);
        string runId = await StoreOneTaskRunAsync(harness, "again");
        var input = new AgentWorkInput(runId, "t0", 0, [], Folded: true, NoEarlierOutput: true);
        var request = new AgentTurnRequest(runId, "t0", 0, AgentTurnMode.Work) { Begin = input, Finish = new FinishAgentWorkRequest(runId, "t0", 0, []) };
        var turn = Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<AgentTurnActivity>(harness.Engine.Services);

        var first = await turn.ExecuteAsync(request);
        var again = await turn.ExecuteAsync(request);

        Assert.NotNull(first.Summary);
        Assert.Equal(first.Summary!.OutputBlob, again.Start?.Finished?.OutputBlob);
        Assert.Single(model.Requests);
    }

    [Theory]
    [InlineData("/transcripts/", 3)] // the finish fails: the finish activity, then the completion's
    [InlineData("/result.json", 2)] // the completion fails: its own activity
    public async Task A_last_turn_whose_finish_or_completion_fails_keeps_the_answer_and_their_activities_end_the_run(string failing, int activities)
    {
        var model = new ScriptedChatClient(_ => Task.FromResult(CrewEdits.Answer("kept")));
        FirstWriteFails? store = null;
        await using var harness = await EngineHarness.StartAsync(model, configureServices: services => services.AddSingleton<IBlobStore>(sp =>
            store = new FirstWriteFails(DurableCrews.Storage.StorageServiceCollectionExtensions.CreateBlobStore(
                sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value), failing)));
        var (activitiesBefore, _) = harness.Engine.WorkDone;

        var run = await harness.RunAsync(new CrewBuilder().Agent("a").Task("only", "a").Build());

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal("kept", run.Output!.Raw);
        Assert.True(store!.Failed);
        Assert.Single(model.Requests);
        Assert.NotNull(await harness.Runs.GetTranscriptAsync(run.RunId, 0, "only"));
        Assert.Equal(activities, harness.Engine.WorkDone.Activities - activitiesBefore);
    }

    [Fact]
    public async Task An_async_last_task_leaves_the_completion_to_its_own_activity()
    {
        var model = new ScriptedChatClient(_ => Task.FromResult(CrewEdits.Answer("side")));
        await using var harness = await EngineHarness.StartAsync(model);
        var (activitiesBefore, _) = harness.Engine.WorkDone;

        var run = await harness.RunAsync(new CrewBuilder().Agent("a").Task("first", "a").Task("aside", "a", async: true).Build());

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(["side", "side"], run.Output!.TasksOutput.Select(t => t.Raw));
        Assert.Equal(3, harness.Engine.WorkDone.Activities - activitiesBefore);
    }

    [Fact]
    public async Task A_run_started_without_a_plan_as_earlier_versions_and_flow_steps_start_them_plans_with_its_own_activity()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(_ => Task.FromResult(CrewEdits.Answer("planned"))));
        string runId = await StoreOneTaskRunAsync(harness, "unplanned");
        var (activitiesBefore, _) = harness.Engine.WorkDone;

        await harness.Engine.Client.ScheduleNewOrchestrationInstanceAsync(nameof(CrewOrchestrator), new CrewRunInput(runId), new StartOrchestrationOptions(runId));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var state = await harness.Engine.Client.WaitForInstanceCompletionAsync(runId, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("planned", (await harness.Runs.GetTaskOutputAsync(runId, 0, "only"))!.Raw);

        // StartRun, then the one turn that begins, finishes and completes.
        Assert.Equal(2, harness.Engine.WorkDone.Activities - activitiesBefore);
    }

    [Fact]
    public async Task A_work_started_by_the_version_before_begins_and_finishes_with_its_own_activities()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(_ => Task.FromResult(CrewEdits.Answer("classic"))));
        string runId = await StoreOneTaskRunAsync(harness, "classic");
        var input = new AgentWorkInput(runId, "t0", 0, []);
        var (activitiesBefore, _) = harness.Engine.WorkDone;

        await harness.Engine.Client.ScheduleNewOrchestrationInstanceAsync(nameof(AgentWorkOrchestrator), input, new StartOrchestrationOptions(input.InstanceId));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var state = await harness.Engine.Client.WaitForInstanceCompletionAsync(input.InstanceId, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("classic", (await harness.Runs.GetTaskOutputAsync(runId, 0, "only"))!.Raw);
        Assert.Equal(3, harness.Engine.WorkDone.Activities - activitiesBefore);
    }
}
