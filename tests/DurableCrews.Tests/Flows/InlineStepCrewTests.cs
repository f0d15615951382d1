using DurableCrews.Api;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace DurableCrews.Tests.Flows;

/// <summary>
/// From orchestration version 4 a flow step's one crew run runs in the flow's orchestration (no sub-orchestration),
/// while it reads through the API as a run of its own; a <c>for_each</c> step's items keep their own instances.
/// </summary>
public sealed class InlineStepCrewTests
{
    const string Loop = """
        state: { round: 0, names: [ada, bob] }
        steps:
          work: { crew: work, start: true, listen: again, set: { round: state.round + 1 }, router: [{ when: state.round < 2, emit: again }, { emit: done }] }
          each: { crew: work, listen: done, for_each: state.names, as: name, inputs: { who: "{name}" } }
        """;

    static async Task<string> KickoffAsync(EngineHarness harness, string runId)
    {
        var crew = new CrewBuilder().Agent("a").Task("work", "a").Build() with { Name = "work" };
        var loaded = FlowDefinitionLoader.Parse(Loop, "inline", "flow.yaml", name => name == "work" ? new CrewLoadResult { Definition = crew } : null);
        Assert.True(loaded.Succeeded, string.Join("; ", loaded.Problems.Select(p => $"{p.Path}: {p.Message}")));
        return await harness.Engine.Services.GetRequiredService<FlowRunService>().KickoffAsync(loaded.Definition!, new KickoffRequest { RunId = runId });
    }

    static async Task<RunView> WaitAsync(EngineHarness harness, string runId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await harness.Engine.Runs.WaitAsync(runId, pollInterval: TimeSpan.FromMilliseconds(25), cancellationToken: timeout.Token);
    }

    [Fact]
    public async Task A_loops_step_crew_runs_with_no_instance_of_its_own_and_its_items_each_keep_one()
    {
        await using var harness = await EngineHarness.StartAsync(new OfflineChatClient());

        var run = await WaitAsync(harness, await KickoffAsync(harness, "inline-loop"));

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Null(await harness.Engine.Client.GetInstanceAsync("inline-loop.work"));
        Assert.Null(await harness.Engine.Client.GetInstanceAsync("inline-loop.work.2"));
        Assert.NotNull(await harness.Engine.Client.GetInstanceAsync("inline-loop.each.i0"));
        Assert.NotNull(await harness.Engine.Client.GetInstanceAsync("inline-loop.each.i1"));
        Assert.Equal(CrewRunStatus.Completed, (await harness.Engine.Runs.GetAsync("inline-loop.work.2"))!.Status);
    }

    [Fact]
    public async Task A_step_crew_run_inside_its_flow_reads_as_running_until_it_ends()
    {
        var gate = new SemaphoreSlim(0);
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(async request =>
        {
            await gate.WaitAsync(TimeSpan.FromSeconds(60));
            return new ChatMessage(ChatRole.Assistant, "done");
        }));
        string runId = await KickoffAsync(harness, "inline-running");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await harness.Engine.Runs.GetAsync(runId, timeout.Token) is not { Progress.Running: [{ InstanceId: "inline-running.work" }] })
        {
            await Task.Delay(25, timeout.Token);
        }

        var running = await harness.Engine.Runs.GetAsync("inline-running.work", timeout.Token);
        gate.Release(10);

        Assert.Equal((CrewRunStatus.Running, null), (running!.Status, running.Error));
        Assert.Equal(CrewRunStatus.Completed, (await WaitAsync(harness, runId)).Status);
    }
}
