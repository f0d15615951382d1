using DurableCrews.Definitions;
using DurableCrews.Orchestration;
using DurableCrews.Orchestration.AgentWork;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using static DurableCrews.Tests.Support.CrewEdits;

namespace DurableCrews.Tests.Orchestration;

/// <summary>
/// Runs started on an earlier orchestration version, and works recorded before versions and before folded work, make
/// the activity calls they made before their replay moved behind one branch; runs on the current version make the
/// folded calls. The engine runs on Azure Storage (Azurite), whose history table gives each instance's calls in order.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LegacyWorkReplayTests(Azurite azurite)
{
    const string Turn = nameof(AgentTurnActivity);
    const string Begin = nameof(BeginAgentWorkActivity);
    const string Finish = nameof(FinishAgentWorkActivity);
    const string Complete = nameof(CompleteRunActivity);

    readonly string hub = $"legacy{Guid.NewGuid():N}"[..16];

    /// <summary>The engine on Azurite, starting runs on <paramref name="version"/> (null: the current one).</summary>
    Task<EngineHarness> StartOnAsync(string? version, Microsoft.Extensions.AI.IChatClient model)
    {
        var settings = new Dictionary<string, string?>
        {
            ["DurableCrews:Storage:ConnectionString"] = azurite.ConnectionString,
            ["DurableCrews:Engine:TaskHub"] = hub,
            ["DurableCrews:Engine:WorkerId"] = $"{hub}-worker",
        };
        if (version is not null)
        {
            settings["DurableCrews:Versioning:StartVersion"] = version;
        }

        return EngineHarness.StartAsync(model, settings);
    }

    /// <summary>The activities <paramref name="instanceId"/> scheduled, in order, space-separated.</summary>
    async Task<string> CallsOfAsync(string instanceId) =>
        string.Join(' ', (await TaskHubHistory.ReadAsync(azurite.ConnectionString, hub, instanceId)).Activities);

    /// <summary>
    /// Stores the request of the run <paramref name="instanceId"/> names (as a kickoff does), starts
    /// <paramref name="orchestrator"/> with <paramref name="input"/> and no version, as runs before versions started,
    /// and waits for its end.
    /// </summary>
    static async Task<OrchestrationRuntimeStatus> StartUnversionedAsync(EngineHarness harness, CrewDefinition crew, string orchestrator, object input, string instanceId)
    {
        await harness.Runs.SaveRunAsync(new RunRecord { RunId = instanceId.Split('/')[0], Definition = crew, Inputs = new Dictionary<string, string>(), CreatedAt = DateTimeOffset.UtcNow });
        await harness.Engine.Client.ScheduleNewOrchestrationInstanceAsync(orchestrator, input, new StartOrchestrationOptions(instanceId));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return (await harness.Engine.Client.WaitForInstanceCompletionAsync(instanceId, timeout.Token)).RuntimeStatus;
    }

    /// <summary>
    /// A crew whose one task (run inline in the run's orchestration) is led by an agent who delegates to a coworker who
    /// may delegate too, so that the delegation runs as the sub-orchestration <c>{runId}/t0/d1</c>.
    /// </summary>
    static CrewDefinition Delegating() =>
        new CrewBuilder().Agent("a").Agent("b").Task("lead", "a").Build()
            .WithAgent("a", a => a with { AllowDelegation = true }).WithAgent("b", b => b with { AllowDelegation = true });

    static ScriptedChatClient LeadDelegatingOnce() => new(request => Task.FromResult(
        request.IsFrom("a role") ? request.ToolResults.Count == 0 ? Calls(Delegate("b role", "part B")) : Answer("led") : Answer("part B done")));

    [Theory]
    [InlineData(OrchestrationVersions.SeparateBeginAndFinish, $"{Turn} {Finish} {Complete}")]
    [InlineData(OrchestrationVersions.FoldedWork, Turn)]
    [InlineData(OrchestrationVersions.FoldedFlowSteps, Turn)]
    public async Task An_inline_task_makes_the_calls_of_the_version_its_run_started_on(string version, string calls)
    {
        await using var harness = await StartOnAsync(version, new ScriptedChatClient(_ => Task.FromResult(Answer("done"))));

        var run = await harness.RunAsync(new CrewBuilder().Agent("a").Task("only", "a").Build(), runId: $"{hub}-inline");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(calls, await CallsOfAsync(run.RunId));
    }

    [Theory]
    [InlineData(OrchestrationVersions.SeparateBeginAndFinish, $"{Turn} {Turn} {Finish} {Complete}", $"{Begin} {Turn} {Finish}")]
    [InlineData(OrchestrationVersions.FoldedWork, $"{Turn} {Turn}", Turn)]
    public async Task A_delegation_in_its_own_instance_makes_the_calls_of_the_version_its_run_started_on(string version, string runCalls, string delegationCalls)
    {
        await using var harness = await StartOnAsync(version, LeadDelegatingOnce());

        var run = await harness.RunAsync(Delegating(), runId: $"{hub}-lead");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal("led", run.Output!.Raw);
        Assert.Equal(runCalls, await CallsOfAsync(run.RunId));
        Assert.Equal(delegationCalls, await CallsOfAsync($"{run.RunId}/t0/d1"));
    }

    [Fact]
    public async Task A_task_with_a_time_limit_on_version_1_begins_and_finishes_in_its_own_instance_with_their_activities()
    {
        await using var harness = await StartOnAsync(OrchestrationVersions.SeparateBeginAndFinish, new ScriptedChatClient(_ => Task.FromResult(Answer("in time"))));
        var crew = new CrewBuilder().Agent("a").Task("only", "a").Build().WithAgent("a", a => a with { MaxExecutionTime = 300 });

        var run = await harness.RunAsync(crew, runId: $"{hub}-limited");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(Complete, await CallsOfAsync(run.RunId));
        Assert.Equal($"{Begin} {Turn} {Finish}", await CallsOfAsync($"{run.RunId}/t0"));
    }

    [Fact]
    public async Task A_work_recorded_before_versions_and_folded_work_begins_turns_and_finishes_with_activities_of_its_own()
    {
        await using var harness = await StartOnAsync(null, LeadDelegatingOnce());
        string runId = $"{hub}-unversioned";
        var input = new AgentWorkInput(runId, "t0", 0, []);

        var status = await StartUnversionedAsync(harness, Delegating(), nameof(AgentWorkOrchestrator), input, input.InstanceId);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, status);
        Assert.Equal("led", (await harness.Runs.GetTaskOutputAsync(runId, 0, "lead"))!.Raw);
        Assert.Equal($"{Begin} {Turn} {Turn} {Finish}", await CallsOfAsync(input.InstanceId));
        Assert.Equal(Turn, await CallsOfAsync($"{input.InstanceId}/d1"));
    }

    [Fact]
    public async Task A_run_recorded_before_versions_and_plans_plans_with_its_own_activity_and_folds_its_work()
    {
        await using var harness = await StartOnAsync(null, new ScriptedChatClient(_ => Task.FromResult(Answer("planned"))));
        string runId = $"{hub}-unplanned";

        var status = await StartUnversionedAsync(harness, new CrewBuilder().Agent("a").Task("only", "a").Build(), nameof(CrewOrchestrator), new CrewRunInput(runId), runId);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, status);
        Assert.Equal($"{nameof(StartRunActivity)} {Turn}", await CallsOfAsync(runId));
    }
}
