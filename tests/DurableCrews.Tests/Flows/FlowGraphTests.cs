using System.Text.Json;
using DurableCrews.Api;
using DurableCrews.Definitions;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Orchestration.Flows;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static DurableCrews.Tests.Support.CrewEdits;

namespace DurableCrews.Tests.Flows;

/// <summary>CrewAI-style flows (start, listen, router, state, loops, for_each, agent and human_feedback steps) on the real engine.</summary>
public sealed class FlowGraphTests
{
    /// <summary>A one-task crew named <paramref name="name"/> whose task reads "do {name} {input}" (or "do {name}").</summary>
    internal static (string, CrewDefinition) Crew(string name, string? input = null, string? outputJson = null)
    {
        var crew = new CrewBuilder().Agent("a").Task(name, "a", outputJson: outputJson).Build() with { Name = name };
        return (name, input is null ? crew : crew.WithTask(name, t => t with { Description = $"do {name} {{{input}}}" }));
    }

    internal static FlowDefinition Parse(string yaml, params (string Name, CrewDefinition Crew)[] crews)
    {
        var loaded = FlowDefinitionLoader.Parse(yaml, "flow", "flow.yaml", name => crews.Where(c => c.Name == name).Select(c => new CrewLoadResult { Definition = c.Crew }).FirstOrDefault());
        Assert.True(loaded.Succeeded, string.Join("; ", loaded.Problems.Select(p => $"{p.Path}: {p.Message}")));
        return loaded.Definition!;
    }

    static async Task<RunView> RunAsync(EngineHarness harness, FlowDefinition flow, string runId, IReadOnlyDictionary<string, string>? inputs = null)
    {
        await harness.Engine.Services.GetRequiredService<FlowRunService>().KickoffAsync(flow, new KickoffRequest { Inputs = inputs ?? new Dictionary<string, string>(), RunId = runId });
        return await WaitAsync(harness, runId);
    }

    internal static async Task<RunView> WaitAsync(EngineHarness harness, string runId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await harness.Engine.Runs.WaitAsync(runId, pollInterval: TimeSpan.FromMilliseconds(25), cancellationToken: timeout.Token);
    }

    static async Task<bool> RanAsync(EngineHarness harness, string runId) => await harness.Runs.GetResultAsync(runId) is { Status: CrewRunStatus.Completed };

    [Fact]
    public async Task A_router_starts_only_the_steps_listening_to_the_label_its_first_true_condition_emits()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(r => r.TaskLine.StartsWith("do score", StringComparison.Ordinal) ? """{"score": 8}""" : "fine"));
        var flow = Parse(
            """
            steps:
              score:
                crew: score
                router:
                  - when: json.score >= 9
                    emit: perfect
                  - when: json.score >= 5
                    emit: good
                  - emit: poor
              celebrate: { crew: celebrate, listen: good }
              frame: { crew: frame, listen: perfect }
              improve: { crew: improve, listen: poor }
            """,
            Crew("score", outputJson: """{"type": "object", "properties": {"score": {"type": "integer"}}}"""), Crew("celebrate"), Crew("frame"), Crew("improve"));

        var run = await RunAsync(harness, flow, "routed");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(["score", "celebrate"], run.Output!.TasksOutput.Select(t => t.Name));
        Assert.False(await RanAsync(harness, "routed.frame"));
        Assert.False(await RanAsync(harness, "routed.improve"));
    }

    [Fact]
    public async Task A_step_listening_to_a_list_runs_when_any_fires_and_depends_on_waits_for_all()
    {
        var model = new ScriptedChatClient(r => "fine", latency: TimeSpan.FromMilliseconds(100));
        await using var harness = await EngineHarness.StartAsync(model);
        var flow = Parse(
            """
            steps:
              quick: { crew: quick, start: true }
              slow: { crew: slow, start: true }
              either: { crew: either, listen: [nothing_yet, quick] }
              both: { crew: both, depends_on: [quick, slow] }
              nothing:
                crew: nothing
                listen: either
                router:
                  - when: state.never == true
                    emit: nothing_yet
            state: { never: false }
            """,
            Crew("quick"), Crew("slow"), Crew("either"), Crew("both"), Crew("nothing"));

        var run = await RunAsync(harness, flow, "or-and");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var outputs = run.Output!.TasksOutput.ToDictionary(t => t.Name);
        Assert.True(outputs["both"].StartedAt >= outputs["slow"].FinishedAt && outputs["both"].StartedAt >= outputs["quick"].FinishedAt, "both started before all it depends on had finished");
        Assert.Equal(1, run.Output.TasksOutput.Count(t => t.Name == "either"));
    }

    /// <summary>A flow whose first step picks a topic into the state (from <see cref="PickingModel"/>'s JSON) and whose second writes on it.</summary>
    internal const string Picked =
        """
        state: { topic: "", picks: 0 }
        steps:
          pick:
            crew: pick
            set:
              topic: json.topic
              picks: state.picks + 1
          write:
            crew: write
            inputs: { subject: "{state.topic} x{state.picks}" }
        """;

    /// <summary>The crews of <see cref="Picked"/>, and <paramref name="more"/>.</summary>
    internal static (string, CrewDefinition)[] PickedCrews(params (string, CrewDefinition)[] more) =>
        [Crew("pick", outputJson: """{"type": "object", "properties": {"topic": {"type": "string"}}}"""), Crew("write", "subject"), .. more];

    /// <summary>A model that picks the topic "tides" and answers "fine" to anything else.</summary>
    internal static ScriptedChatClient PickingModel() => new(r => r.TaskLine.StartsWith("do pick", StringComparison.Ordinal) ? """{"topic": "tides"}""" : "fine");

    [Fact]
    public async Task State_set_after_a_step_is_read_by_later_steps_and_stored_in_state_json()
    {
        await using var harness = await EngineHarness.StartAsync(PickingModel());
        var flow = Parse(Picked, PickedCrews());

        var run = await RunAsync(harness, flow, "stateful");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal("do write tides x1", (await harness.Runs.GetRunAsync("stateful.write"))!.Definition.Tasks[0].Description);
        Assert.Equal("tides", run.Flow!.State["topic"]!.GetValue<string>());
    }

    [Fact]
    public async Task Kickoff_inputs_merge_into_the_state_keeping_the_initial_values_type()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(r => "fine"));
        var flow = Parse(
            """
            state: { rounds: 1, topic: "default" }
            steps:
              only:
                crew: only
                set: { rounds: state.rounds * 2 }
            """,
            Crew("only"));

        var run = await RunAsync(harness, flow, "merged", new Dictionary<string, string> { ["rounds"] = "4", ["topic"] = "bees" });

        Assert.Equal(8, run.Flow!.State["rounds"]!.GetValue<long>());
        Assert.Equal("bees", run.Flow.State["topic"]!.GetValue<string>());
    }

    internal const string Loop =
        """
        state: { tries: 0 }
        steps:
          draft:
            crew: draft
            start: true
            listen: retry
            max_iterations: MAX
          review:
            crew: review
            listen: draft
            set: { tries: state.tries + 1 }
            router:
              - when: state.tries >= GOAL
                emit: done
              - emit: retry
          publish: { crew: publish, listen: done }
        """;

    /// <summary>Runs the draft/review loop, bounded at <paramref name="max"/> drafts, ending after <paramref name="goal"/> reviews.</summary>
    static async Task<(EngineHarness Harness, RunView Run)> RunLoopAsync(int max, int goal, string runId)
    {
        var harness = await EngineHarness.StartAsync(new ScriptedChatClient(r => "fine"));
        string yaml = Loop.Replace("MAX", $"{max}", StringComparison.Ordinal).Replace("GOAL", $"{goal}", StringComparison.Ordinal);
        return (harness, await RunAsync(harness, Parse(yaml, Crew("draft"), Crew("review"), Crew("publish")), runId));
    }

    [Fact]
    public async Task A_loop_goes_round_until_its_router_condition_holds_each_iteration_a_run_of_its_own()
    {
        var (harness, run) = await RunLoopAsync(max: 5, goal: 3, "looped");
        await using var engine = harness;

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(3, run.Progress!.Iterations!["draft"]);
        Assert.True(await RanAsync(harness, "looped.draft.3"));
        Assert.False(await RanAsync(harness, "looped.draft.4"));
        Assert.Equal("publish", run.Output!.TasksOutput[^1].Name);
    }

    const string LoopOverItems =
        """
        state: { tries: 0, items: [] }
        steps:
          draft:
            crew: draft
            start: true
            listen: retry
            max_iterations: 4
          review:
            crew: review
            listen: draft
            for_each: state.items
            max_iterations: 4
            set: { tries: state.tries + 1 }
            router:
              - when: state.tries >= 2
                emit: done
              - emit: retry
          publish: { crew: publish, listen: done }
        """;

    [Fact]
    public async Task A_loop_over_a_for_each_shows_iteration_n_of_m_and_its_items_in_its_progress_and_its_report()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(r => "fine"));
        var flow = Parse(LoopOverItems, Crew("draft"), Crew("review"), Crew("publish"));

        var run = await RunAsync(harness, flow, "loop-items", new Dictionary<string, string> { ["items"] = "[1, 2, 3]" });

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal((2, 4), (run.Progress!.Iterations!["review"], run.Progress.MaxIterations!["review"]));
        Assert.Equal(10, run.Progress.MaxIterations["publish"]);
        Assert.Equal([("review", 3, 3)], run.Progress.Items!.Select(i => (i.Name, i.Done, i.Total)));

        var report = await harness.Engine.Services.GetRequiredService<DurableCrews.Reports.RunReportService>().GetAsync("loop-items");
        Assert.NotNull(report);
        Assert.Equal(
            [("draft", 1, 4, (int?)null), ("review", 1, 4, 3), ("draft", 2, 4, null), ("review", 2, 4, 3), ("publish", 1, 10, null)],
            report.Steps.Select(s => (s.Step, s.Iteration, s.MaxIterations, s.Items)));
        Assert.Contains("review (iteration 2 of 4, 3 items)", report.Timeline.Select(b => b.Label));
        Assert.Equal([(0, 1), (1, 1), (2, 1), (0, 2), (1, 2), (2, 2)], report.Timeline.Where(b => b.Kind == "item").Select(b => (b.Item!.Value, b.Iteration!.Value)));
    }

    [Fact]
    public async Task A_loop_that_never_ends_fails_the_flow_at_max_iterations_saying_so()
    {
        var (harness, run) = await RunLoopAsync(max: 2, goal: 99, "endless");
        await using var engine = harness;

        Assert.Equal(CrewRunStatus.Failed, run.Status);
        Assert.Contains("Step 'draft' was started a 3rd time; its max_iterations is 2", run.Error, StringComparison.Ordinal);
        Assert.Equal(2, run.Progress!.Iterations!["draft"]);
        Assert.False(await RanAsync(harness, "endless.draft.3"));
    }

    [Fact]
    public async Task For_each_runs_one_crew_per_item_bounded_by_max_parallel_and_gathers_their_outputs()
    {
        var model = new ScriptedChatClient(
            r => r.TaskLine.StartsWith("do outline", StringComparison.Ordinal) ? """{"chapters": [{"title": "Dawn"}, {"title": "Noon"}, {"title": "Dusk"}]}""" : $"text of {r.TaskLine}",
            latency: TimeSpan.FromMilliseconds(150));
        await using var harness = await EngineHarness.StartAsync(model);
        var flow = Parse(
            """
            steps:
              outline:
                crew: outline
              write:
                crew: write
                for_each: steps.outline.json.chapters
                as: chapter
                max_parallel: 2
                inputs: { title: "{chapter.title} ({chapter_index})" }
              join:
                crew: join
                inputs: { chapters: "{steps.write.outputs}" }
            """,
            Crew("outline", outputJson: """{"type": "object", "properties": {"chapters": {"type": "array"}}}"""), Crew("write", "title"), Crew("join", "chapters"));

        var run = await RunAsync(harness, flow, "book");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(["outline", "write[0]", "write[1]", "write[2]", "join"], run.Output!.TasksOutput.Select(t => t.Name).Order(StringComparer.Ordinal).Order(Comparer<string>.Create((a, b) => Rank(a).CompareTo(Rank(b)))));
        string joined = (await harness.Runs.GetRunAsync("book.join"))!.Definition.Tasks[0].Description;
        Assert.Contains("text of do write Dawn (0)", joined, StringComparison.Ordinal);
        Assert.Contains("text of do write Dusk (2)", joined, StringComparison.Ordinal);
        var writes = model.Requests.Where(r => r.TaskLine.StartsWith("do write", StringComparison.Ordinal)).ToList();

        // The most running at once is the most running at some item's start (pairwise overlaps would over-count a chain).
        Assert.True(writes.Max(w => writes.Count(o => o.StartedAt <= w.StartedAt && w.StartedAt < o.FinishedAt)) <= 2, "more than max_parallel items ran at once");

        static int Rank(string name) => name == "outline" ? 0 : name == "join" ? 2 : 1;
    }

    [Fact]
    public async Task An_agent_step_answers_its_prompt_with_json_that_set_can_read()
    {
        var model = new ScriptedChatClient(r => r.IsFrom("Critic") ? """{"score": 7}""" : "fine");
        await using var harness = await EngineHarness.StartAsync(model);
        var flow = Parse(
            """
            state: { topic: "otters", score: 0 }
            steps:
              rate:
                agent: { role: Critic, goal: Rate essays fairly, backstory: A patient editor }
                prompt: "Rate an essay about {state.topic} from 1 to 10"
                output_json: { type: object, properties: { score: { type: integer } } }
                set: { score: json.score }
            """);

        var run = await RunAsync(harness, flow, "rated");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(7, run.Flow!.State["score"]!.GetValue<long>());
        Assert.Contains(model.Requests, r => r.IsFrom("Critic") && r.TaskLine == "Rate an essay about otters from 1 to 10");
    }

    const string Review =
        """
        steps:
          draft: { crew: draft }
          review:
            listen: draft
            human_feedback:
              message: "Publish this? {steps.draft.output}"
              outcomes: [approve, revise]
              TIMEOUT
            set: { note: feedback }
          publish: { crew: publish, listen: approve }
          rework: { crew: rework, listen: revise }
        """;

    static Task<RunningTask> WaitingForPersonAsync(EngineHarness harness, string runId) =>
        Eventually.ProbeAsync(
            async ct => (await harness.Engine.Runs.GetAsync(runId, ct))?.Progress?.Running.FirstOrDefault(t => t.WaitingFor == HumanFeedbackAnswer.EventName),
            TimeSpan.FromSeconds(30));

    [Fact]
    public async Task Human_feedback_waits_for_the_event_and_emits_the_chosen_outcome_as_a_label()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(r => "a fine draft"));
        var flow = Parse(Review.Replace("TIMEOUT", string.Empty, StringComparison.Ordinal), Crew("draft"), Crew("publish"), Crew("rework"));
        await harness.Engine.Services.GetRequiredService<FlowRunService>().KickoffAsync(flow, new KickoffRequest { RunId = "reviewed" });

        var waiting = await WaitingForPersonAsync(harness, "reviewed");
        await harness.Engine.Runs.RaiseEventAsync("reviewed", HumanFeedbackAnswer.EventName, "not-an-outcome");
        await harness.Engine.Runs.RaiseEventAsync("reviewed", HumanFeedbackAnswer.EventName, JsonSerializer.SerializeToElement(new { outcome = "approve", feedback = "ship it" }));
        var run = await WaitAsync(harness, "reviewed");

        Assert.Equal("Publish this? a fine draft", waiting.Message);
        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(["draft", "review", "publish"], run.Output!.TasksOutput.Select(t => t.Name));
        Assert.Equal("ship it", run.Flow!.State["note"]!.GetValue<string>());
    }

    [Fact]
    public async Task Human_feedback_that_times_out_takes_its_default_outcome()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(r => "a draft"));
        var flow = Parse(Review.Replace("TIMEOUT", "timeout: 1\n      default: revise", StringComparison.Ordinal), Crew("draft"), Crew("publish"), Crew("rework"));

        var run = await RunAsync(harness, flow, "unanswered");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(["draft", "review", "rework"], run.Output!.TasksOutput.Select(t => t.Name));
        Assert.False(await RanAsync(harness, "unanswered.publish"));
    }

    [Fact]
    public async Task A_for_each_on_a_value_that_is_not_a_list_fails_the_flow_naming_the_step()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(r => """{"n": 3}"""));
        var flow = Parse(
            """
            steps:
              count: { crew: count }
              each: { crew: each, for_each: steps.count.json.n }
            """,
            Crew("count", outputJson: """{"type": "object"}"""), Crew("each"));

        var run = await RunAsync(harness, flow, "not-a-list");

        Assert.Equal(CrewRunStatus.Failed, run.Status);
        Assert.Contains("steps.each.for_each must give a list", run.Error, StringComparison.Ordinal);
    }

    const string Fan =
        """
        state: { items: [] }
        steps:
          each: { crew: each, for_each: state.items }
          after: { crew: after, listen: each }
        """;

    [Fact]
    public async Task A_for_each_over_more_items_than_allowed_fails_the_flow_before_any_item_runs()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(r => "fine"), new Dictionary<string, string?> { ["DurableCrews:Execution:MaxForEachItems"] = "2" });

        var run = await RunAsync(harness, Parse(Fan, Crew("each"), Crew("after")), "too-many", new Dictionary<string, string> { ["items"] = "[1, 2, 3]" });

        Assert.Equal(CrewRunStatus.Failed, run.Status);
        Assert.Contains("steps.each.for_each gave 3 items; a step runs at most 2", run.Error, StringComparison.Ordinal);
        Assert.Null(await harness.Runs.GetRunAsync("too-many.each.i0"));
    }

    [Fact]
    public async Task A_for_each_over_an_empty_list_runs_no_crew_and_the_flow_goes_on()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(r => "fine"));

        var run = await RunAsync(harness, Parse(Fan, Crew("each"), Crew("after")), "empty");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(["after"], run.Output!.TasksOutput.Select(t => t.Name));
    }

    [Fact]
    public async Task A_flow_of_crews_with_depends_on_only_runs_on_the_path_of_before_so_old_histories_replay()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(r => "fine"));
        var flow = Parse("steps:\n  one: { crew: one }\n  two: { crew: two, depends_on: [one] }\n", Crew("one"), Crew("two"));

        var run = await RunAsync(harness, flow, "plain");

        Assert.False(flow.UsesGraph());
        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Null(await harness.Runs.GetFlowStateAsync("plain"));
    }
}
