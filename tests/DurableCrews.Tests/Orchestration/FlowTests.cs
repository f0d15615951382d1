using DurableCrews.Api;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using static DurableCrews.Tests.Support.CrewEdits;

namespace DurableCrews.Tests.Orchestration;

public sealed class FlowTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    static string SampleFlow => Path.Combine(RepoPaths.Root, "flows", "enterprise-coordination");

    static FlowDefinition LoadSample()
    {
        var loaded = FlowDefinitionLoader.Load(SampleFlow, name => CrewDefinitionLoader.Load(Path.Combine(RepoPaths.Crews, name)));
        Assert.Empty(loaded.Problems);
        return loaded.Definition!;
    }

    FlowLoadResult Parse(string yaml, params (string Name, CrewDefinition Crew)[] crews) =>
        FlowDefinitionLoader.Parse(yaml, "flow", "flow.yaml", name => crews.Where(c => c.Name == name).Select(c => new CrewLoadResult { Definition = c.Crew }).FirstOrDefault());

    static async Task<RunView> RunFlowAsync(EngineHarness harness, FlowDefinition flow, IReadOnlyDictionary<string, string> inputs, string runId)
    {
        await harness.Engine.Services.GetRequiredService<FlowRunService>().KickoffAsync(flow, new KickoffRequest { Inputs = inputs, RunId = runId });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await harness.Engine.Runs.WaitAsync(runId, pollInterval: TimeSpan.FromMilliseconds(25), cancellationToken: timeout.Token);
    }

    [Fact]
    public async Task The_sample_flow_runs_its_crews_in_order_and_in_parallel_passing_outputs_along()
    {
        await using var harness = await EngineHarness.StartAsync(new OfflineChatClient(TimeSpan.FromMilliseconds(200)));

        var run = await RunFlowAsync(harness, LoadSample(), new Dictionary<string, string> { ["domain"] = "payments" }, "enterprise");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var steps = run.Output!.TasksOutput;
        Assert.Equal(["discovery", "ingestion", "governance", "summary"], steps.Select(s => s.Name));
        Assert.Equal(["ingestion", "governance"], steps[3].Context);
        var ingestion = steps.Single(s => s.Name == "ingestion");
        var governance = steps.Single(s => s.Name == "governance");
        Assert.True(ingestion.StartedAt < governance.FinishedAt && governance.StartedAt < ingestion.FinishedAt, "ingestion and governance ran one after the other");
        Assert.Equal(steps[3].Raw, run.Output.Raw);

        var discovery = await harness.Runs.GetResultAsync("enterprise.discovery");
        var ingestionRun = await harness.Runs.GetRunAsync("enterprise.ingestion");
        Assert.Contains(discovery!.TasksOutput[0].Raw.Trim(), ingestionRun!.Definition.Tasks[0].Description, StringComparison.Ordinal);
        Assert.Equal(CrewRunStatus.Completed, (await harness.Engine.Runs.GetAsync("enterprise.summary"))!.Status);
    }

    [Fact]
    public void A_flow_with_several_mistakes_lists_every_one_with_its_path()
    {
        var crew = new CrewBuilder().Agent("a").Task("only", "a").Build() with { Name = "c" };
        var needsTopic = (new CrewBuilder().Agent("a").Task("t", "a").Build() with { Name = "topical" }).WithAgent("a", a => a with { Goal = "about {topic}" });

        var result = Parse(
            """
            steps:
              first:
                crew: c
              second:
                crew: nowhere
              third:
                crew: c
                depends_on: [first, later]
                inputs:
                  x: "{steps.second.output}"
                  y: "{steps.first.tasks.missing}"
              fourth:
                crew: topical
                depends_on: []
              later:
                crew: c
                colour: blue
            """,
            ("c", crew),
            ("topical", needsTopic));

        Assert.False(result.Succeeded);
        string[] expected =
        [
            "steps.second.crew",
            "steps.third.depends_on[1]",
            "steps.third.inputs.x",
            "steps.third.inputs.y",
            "steps.fourth.inputs.topic",
            "steps.later.colour",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), result.Problems.Select(p => p.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_missing_flow_input_is_named_and_nothing_starts()
    {
        await using var harness = await EngineHarness.StartAsync(new OfflineChatClient());
        var service = harness.Engine.Services.GetRequiredService<FlowRunService>();

        var failure = await Assert.ThrowsAsync<CrewDefinitionException>(() => service.KickoffAsync(LoadSample(), new KickoffRequest { RunId = "no-domain" }));

        var problem = Assert.Single(failure.Problems);
        Assert.Equal("inputs.domain", problem.Path);
        Assert.Null(await harness.Engine.Client.GetInstanceAsync("no-domain"));
    }

    [Fact]
    public async Task A_failed_step_fails_the_flow_and_the_steps_after_it_never_start()
    {
        var model = new ScriptedChatClient(request => request.TaskLine == "do breaks" ? throw new InvalidOperationException("the model broke") : Task.FromResult(Answer("fine")));
        await using var harness = await EngineHarness.StartAsync(model);
        var good = new CrewBuilder().Agent("a").Task("works", "a").Build() with { Name = "good" };
        var bad = new CrewBuilder().Agent("a").Task("breaks", "a").Build() with { Name = "bad" };
        var flow = Parse("steps:\n  one:\n    crew: good\n  two:\n    crew: bad\n  three:\n    crew: good\n", ("good", good), ("bad", bad)).Definition!;

        var run = await RunFlowAsync(harness, flow, new Dictionary<string, string>(), "broken-flow");

        Assert.Equal(CrewRunStatus.Failed, run.Status);
        Assert.Contains("Step 'two' failed", run.Error, StringComparison.Ordinal);
        Assert.Contains("the model broke", run.Error, StringComparison.Ordinal);
        Assert.Equal(["one"], run.Output!.TasksOutput.Select(s => s.Name));
        Assert.Null(await harness.Engine.Client.GetInstanceAsync("broken-flow.three"));
    }

    [Fact]
    public async Task A_flow_that_outlasts_its_deadline_times_out_and_its_running_crews_are_terminated()
    {
        var gate = new SemaphoreSlim(0);
        var model = new ScriptedChatClient(async request =>
        {
            if (request.TaskLine == "do slow")
            {
                await gate.WaitAsync(TimeSpan.FromSeconds(60));
            }

            return Answer("done");
        });
        await using var harness = await EngineHarness.StartAsync(model);
        var quick = new CrewBuilder().Agent("a").Task("quick", "a").Build() with { Name = "quick" };
        var slow = new CrewBuilder().Agent("a").Task("slow", "a").Build() with { Name = "slow" };
        var flow = Parse("max_execution_time: 2\nsteps:\n  first:\n    crew: quick\n  second:\n    crew: slow\n", ("quick", quick), ("slow", slow)).Definition!;

        var run = await RunFlowAsync(harness, flow, new Dictionary<string, string>(), "late-flow");
        gate.Release(10);

        Assert.Equal(CrewRunStatus.TimedOut, run.Status);
        Assert.Equal(["first"], run.Output!.TasksOutput.Select(s => s.Name));
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await harness.Engine.Client.GetInstanceAsync("late-flow.second"))!.RuntimeStatus);
        Assert.Null(await harness.Engine.Client.GetInstanceAsync("late-flow.second/t0"));
    }
}
