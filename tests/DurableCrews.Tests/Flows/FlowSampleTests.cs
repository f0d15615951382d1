using System.Text.Json;
using DurableCrews.Api;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Orchestration.Flows;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace DurableCrews.Tests.Flows;

/// <summary>The ports of crewAI-examples' flows under flows/: they load, validate, and run on the engine.</summary>
public sealed class FlowSampleTests
{
    static FlowDefinition Load(string name)
    {
        var loaded = FlowDefinitionLoader.Load(Path.Combine(RepoPaths.Root, "flows", name), crew => CrewDefinitionLoader.Load(Path.Combine(RepoPaths.Crews, crew)));
        Assert.True(loaded.Succeeded, string.Join("; ", loaded.Problems.Select(p => $"{p.Path}: {p.Message}")));
        return loaded.Definition!;
    }

    static async Task<string> KickoffAsync(EngineHarness harness, string name, string runId)
    {
        await harness.Engine.Services.GetRequiredService<FlowRunService>().KickoffAsync(Load(name), new KickoffRequest { RunId = runId });
        return runId;
    }

    static async Task<RunView> WaitAsync(EngineHarness harness, string runId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        return await harness.Engine.Runs.WaitAsync(runId, pollInterval: TimeSpan.FromMilliseconds(25), cancellationToken: timeout.Token);
    }

    [Theory]
    [InlineData("self-evaluation-loop", 4)]
    [InlineData("write-a-book", 3)]
    [InlineData("lead-score", 4)]
    public void Each_flow_sample_loads_as_a_crewai_style_flow(string name, int steps)
    {
        var flow = Load(name);

        Assert.True(flow.UsesGraph());
        Assert.Equal(steps, flow.Steps.Count);
    }

    [Fact]
    public async Task The_self_evaluation_loop_rewrites_with_the_reviews_feedback_until_the_post_passes()
    {
        int reviews = 0;
        var model = new ScriptedChatClient(r => !r.IsFrom("Social media post reviewer") ? "Hark, the flying carriage!"
            : Interlocked.Increment(ref reviews) < 3 ? """{"valid": false, "feedback": "fewer thees"}""" : """{"valid": true, "feedback": ""}""");
        await using var harness = await EngineHarness.StartAsync(model);

        var run = await WaitAsync(harness, await KickoffAsync(harness, "self-evaluation-loop", "bard"));

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(3, run.Progress!.Iterations!["generate_x_post"]);
        Assert.Contains("fewer thees", (await harness.Runs.GetRunAsync("bard.generate_x_post.3"))!.Definition.Tasks[0].Description, StringComparison.Ordinal);
        Assert.Equal("save_result", run.Output!.TasksOutput[^1].Name);
    }

    [Fact]
    public async Task The_write_a_book_sample_writes_one_chapter_per_outline_entry_offline()
    {
        await using var harness = await EngineHarness.StartAsync(new OfflineChatClient());

        var run = await WaitAsync(harness, await KickoffAsync(harness, "write-a-book", "book"));

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        int chapters = run.Flow!.State["book_outline"]!.AsArray().Count;
        Assert.True(chapters > 0);
        Assert.Equal(chapters, run.Output!.TasksOutput.Count(t => t.Name.StartsWith("write_chapters[", StringComparison.Ordinal)));
        Assert.Equal("join_and_save_chapters", run.Output.TasksOutput[^1].Name);
    }

    static Task WaitForPersonAsync(EngineHarness harness, string runId, int iteration) =>
        Eventually.ProbeAsync(
            async ct => await harness.Engine.Runs.GetAsync(runId, ct) is { Progress: { } progress }
                && progress.Iterations?.GetValueOrDefault("human_in_the_loop") == iteration
                && progress.Running.Any(t => t.WaitingFor == HumanFeedbackAnswer.EventName) ? progress : null,
            TimeSpan.FromSeconds(30));

    [Fact]
    public async Task The_lead_score_sample_rescores_with_the_persons_feedback_then_writes_every_candidate_an_email()
    {
        await using var harness = await EngineHarness.StartAsync(new OfflineChatClient());
        string runId = await KickoffAsync(harness, "lead-score", "leads");

        await WaitForPersonAsync(harness, runId, 1);
        await harness.Engine.Runs.RaiseEventAsync(runId, HumanFeedbackAnswer.EventName, JsonSerializer.SerializeToElement(new { outcome = "redo_scoring", feedback = "weigh accessibility work highly" }));
        await WaitForPersonAsync(harness, runId, 2);
        await harness.Engine.Runs.RaiseEventAsync(runId, HumanFeedbackAnswer.EventName, "generate_emails");
        var run = await WaitAsync(harness, runId);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Contains("weigh accessibility work highly", (await harness.Runs.GetRunAsync("leads.score_leads.2.i0"))!.Definition.Tasks[0].Description, StringComparison.Ordinal);
        Assert.Equal(4, run.Output!.TasksOutput.Count(t => t.Name.StartsWith("write_invitations[", StringComparison.Ordinal) || t.Name.StartsWith("write_rejections[", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task In_the_lead_score_sample_a_person_choosing_quit_ends_the_flow_without_emails()
    {
        await using var harness = await EngineHarness.StartAsync(new OfflineChatClient());
        string runId = await KickoffAsync(harness, "lead-score", "quit-leads");

        await WaitForPersonAsync(harness, runId, 1);
        await harness.Engine.Runs.RaiseEventAsync(runId, HumanFeedbackAnswer.EventName, "quit");
        var run = await WaitAsync(harness, runId);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal("human_in_the_loop", run.Output!.TasksOutput[^1].Name);
        Assert.DoesNotContain(run.Output.TasksOutput, t => t.Name.StartsWith("write_", StringComparison.Ordinal));
    }
}
