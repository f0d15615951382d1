using System.Text.Json.Nodes;
using DurableCrews.Definitions;
using DurableCrews.Orchestration.Flows;
using DurableCrews.Reports;
using DurableCrews.Runs;
using DurableCrews.Storage;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.Options;

namespace DurableCrews.Tests.Reports;

/// <summary>The report shows loops (iteration n of m) and fan-outs (one bar per item) in HTML, Markdown and JSON.</summary>
public sealed class LoopAndFanOutReportTests : IDisposable
{
    static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    static CrewOutput Result(string runId, string crew, double from, double to) => new()
    {
        RunId = runId,
        Crew = crew,
        Status = CrewRunStatus.Completed,
        Raw = $"output of {runId}",
        StartedAt = T0.AddSeconds(from),
        FinishedAt = T0.AddSeconds(to),
    };

    // draft → review (for_each) → draft again → review again → a person approves: a loop of two iterations, each with its items.
    static readonly FlowStepRecord[] History =
    [
        new() { Step = "draft", Iteration = 1, RunIds = ["f.draft.1"], Labels = ["drafted"] },
        new() { Step = "review", Iteration = 1, RunIds = ["f.review.1.0", "f.review.1.1"], Labels = ["revise"] },
        new() { Step = "draft", Iteration = 2, RunIds = ["f.draft.2"], Labels = ["drafted"] },
        new() { Step = "review", Iteration = 2, RunIds = ["f.review.2.0", "f.review.2.1", "f.review.2.2"], Labels = ["done"] },
        new() { Step = "approve", Iteration = 1, Outcome = "<ok>", Labels = ["<ok>"] },
    ];

    static readonly CrewOutput[] StepResults =
    [
        Result("f.draft.1", "writer", 0, 2),
        Result("f.review.1.0", "critic", 2, 4),
        Result("f.review.1.1", "critic", 2.5, 5),
        Result("f.draft.2", "writer", 5, 7),
        Result("f.review.2.0", "critic", 7, 8),
        Result("f.review.2.1", "critic", 7, 9),
        Result("f.review.2.2", "critic", 7.5, 9.5),
    ];

    static CrewOutput FlowOutput() => Result("f", "review_loop", 0, 10) with
    {
        TasksOutput = [.. StepResults.Select((r, i) => new TaskOutput { Name = r.RunId, Index = i, Description = "d", Agent = r.Crew, Raw = r.Raw, StartedAt = r.StartedAt, FinishedAt = r.FinishedAt })],
    };

    static FlowDefinition Flow() => new()
    {
        Name = "review_loop",
        Steps =
        [
            new FlowStep { Name = "draft", Start = true, Listen = ["revise"], DependsOn = [], MaxIterations = 3 },
            new FlowStep { Name = "review", Listen = ["drafted"], ForEach = "state.sections", DependsOn = [], MaxIterations = 3 },
            new FlowStep { Name = "approve", Kind = FlowStepKind.HumanFeedback, Listen = ["done"], DependsOn = [] },
        ],
    };

    static RunReport BuildFlowReport(CrewOutput? output = null) => RunReportBuilder.Build(
        output ?? FlowOutput(),
        new PricingOptions(),
        FlowStepRun.Walk(History, StepResults.ToDictionary(r => r.RunId), new HashSet<string> { "review" }, T0),
        new Dictionary<string, int> { ["draft"] = 3, ["review"] = 3, ["approve"] = 10 });

    [Fact]
    public void A_for_each_tasks_items_are_bars_labelled_task_k_with_their_index_in_html_markdown_and_json()
    {
        TaskOutput Item(int k) => new() { Name = TaskOutput.ItemName("profile", k), Item = k, Index = 0, Description = "d", Agent = "Analyst", Raw = $"profile {k}", StartedAt = T0.AddSeconds(k), FinishedAt = T0.AddSeconds(k + 2) };
        var output = new CrewOutput
        {
            RunId = "r", Crew = "profiles", Status = CrewRunStatus.Completed, Raw = "done", StartedAt = T0, FinishedAt = T0.AddSeconds(5),
            TasksOutput = [Item(0), Item(1), Item(2)],
        };

        var report = RunReportBuilder.Build(output, new PricingOptions());

        Assert.Equal([0, 1, 2], report.Timeline.Select(b => b.Item));
        Assert.Equal([0, 1, 2], report.Tasks.Select(t => t.Item));
        string html = RunReportHtml.Render(report);
        Assert.Contains("<rect class=\"bar task\" data-item=\"2\" data-label=\"profile[2]\"", html, StringComparison.Ordinal);
        string markdown = RunReportMarkdown.Render(report);
        Assert.Contains("| profile[1] | Analyst |", markdown, StringComparison.Ordinal);
        var json = JsonNode.Parse(CrewJson.ToBinary(report).ToString())!;
        Assert.Equal([0, 1, 2], json["timeline"]!.AsArray().Select(b => (int)b!["item"]!));
        Assert.Equal([0, 1, 2], json["tasks"]!.AsArray().Select(t => (int)t!["item"]!));
    }

    [Fact]
    public void A_looping_flows_report_shows_each_step_run_as_iteration_n_of_m_and_its_items_as_bars()
    {
        var report = BuildFlowReport();

        Assert.Equal(
            [("draft", 1, 3, (int?)null), ("review", 1, 3, 2), ("draft", 2, 3, null), ("review", 2, 3, 3), ("approve", 1, 10, null)],
            report.Steps.Select(s => (s.Step, s.Iteration, s.MaxIterations, s.Items)));
        Assert.Equal(
            ["draft (iteration 1 of 3)", "review (iteration 1 of 3, 2 items)", "review[0]", "review[1]", "draft (iteration 2 of 3)", "review (iteration 2 of 3, 3 items)", "review[0]", "review[1]", "review[2]", "approve → <ok> (iteration 1 of 10)"],
            report.Timeline.Select(b => b.Label));
        var items = report.Timeline.Where(b => b.Kind == "item").ToList();
        Assert.Equal([(0, 1), (1, 1), (0, 2), (1, 2), (2, 2)], items.Select(b => (b.Item!.Value, b.Iteration!.Value)));
        Assert.Equal((7.5, 9.5), (items[^1].StartSeconds, items[^1].EndSeconds));
        Assert.Equal((7.0, 9.5), (report.Steps[3].StartSeconds, report.Steps[3].EndSeconds));

        string html = RunReportHtml.Render(report);
        Assert.Contains("<h2>Flow steps</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<td>draft</td><td>iteration 2 of 3</td>", html, StringComparison.Ordinal);
        Assert.Contains("<rect class=\"bar item\" data-item=\"2\" data-iteration=\"2\" data-label=\"review[2]\"", html, StringComparison.Ordinal);
        Assert.Equal(5, html.Split("<rect class=\"bar item\"").Length - 1);
        Assert.Contains("&lt;ok&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<ok>", html, StringComparison.Ordinal);

        string markdown = RunReportMarkdown.Render(report);
        Assert.Contains("## Flow steps", markdown, StringComparison.Ordinal);
        Assert.Contains("| review | iteration 2 of 3 | 3 |", markdown, StringComparison.Ordinal);
        Assert.Contains("  review[2]", markdown, StringComparison.Ordinal);

        var json = JsonNode.Parse(CrewJson.ToBinary(report).ToString())!;
        var step = json["steps"]![3]!;
        Assert.Equal(("review", 2, 3, 3), ((string)step["step"]!, (int)step["iteration"]!, (int)step["max_iterations"]!, (int)step["items"]!));
        var bar = json["timeline"]!.AsArray().Last(b => (string)b!["kind"]! == "item")!;
        Assert.Equal((2, 2), ((int)bar["item"]!, (int)bar["iteration"]!));
    }

    [Fact]
    public void A_for_each_steps_task_rows_in_a_flow_report_carry_their_item_index_in_json()
    {
        // The flow's result names each item's entry step[k], as CompleteFlowActivity writes it.
        string[] names = ["draft", "review[0]", "review[1]", "draft", "review[0]", "review[1]", "review[2]"];
        var output = FlowOutput() with
        {
            TasksOutput = [.. StepResults.Select((r, i) => new TaskOutput { Name = names[i], Index = i, Description = "d", Agent = r.Crew, Raw = r.Raw, StartedAt = r.StartedAt, FinishedAt = r.FinishedAt })],
        };

        var report = BuildFlowReport(output);

        Assert.Equal([null, 0, 1, null, 0, 1, 2], report.Tasks.Select(t => t.Item));
        var json = JsonNode.Parse(CrewJson.ToBinary(report).ToString())!;
        Assert.Equal([null, 0, 1, null, 0, 1, 2], json["tasks"]!.AsArray().Select(t => (int?)t!["item"]));
    }

    [Fact]
    public async Task The_report_service_reads_a_flows_steps_from_its_state_and_its_crew_runs()
    {
        var store = new RunStore(new LocalBlobStore(Path.Combine(folder.Path, "storage")));
        await store.SaveFlowAsync(new FlowRunRecord { RunId = "f", Flow = Flow(), CreatedAt = T0 });
        await store.SaveFlowStateAsync(new FlowStateRecord { RunId = "f", State = [], History = History });
        foreach (var result in StepResults.Append(FlowOutput()))
        {
            await store.SaveResultAsync(result);
        }

        var report = await new RunReportService(store, Options.Create(new PricingOptions())).GetAsync("f");

        Assert.NotNull(report);
        Assert.Equal(BuildFlowReport().Timeline, report.Timeline);
        Assert.Equal(BuildFlowReport().Steps, report.Steps);
    }
}
