using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using DurableCrews.Models;
using DurableCrews.Reports;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Reports;

public sealed partial class RunReportTests : IDisposable
{
    static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    static DelegationRecord Delegation(string coworker, double from, double to, long tokens, params DelegationRecord[] nested) => new()
    {
        InstanceId = $"r/t0/d-{coworker}",
        Kind = "delegate_work",
        Coworker = coworker,
        Task = $"part for {coworker}\nmore",
        StartedAt = T0.AddSeconds(from),
        FinishedAt = T0.AddSeconds(to),
        Output = "done",
        TokenUsage = new TokenUsage { PromptTokens = tokens, TotalTokens = tokens, SuccessfulRequests = 1 },
        Delegations = nested,
    };

    static CrewOutput Output() => new()
    {
        RunId = "r",
        Crew = "platform <crew>",
        Status = CrewRunStatus.Completed,
        Raw = "A pipeline design with data quality checks and scalability notes.",
        StartedAt = T0,
        FinishedAt = T0.AddSeconds(10),
        TokenUsage = new TokenUsage { PromptTokens = 3000, CompletionTokens = 1000, TotalTokens = 4000, SuccessfulRequests = 5, CacheHits = 1, CacheMisses = 4 },
        TasksOutput =
        [
            new TaskOutput
            {
                Name = "plan", Index = 0, Description = "d", Agent = "Manager", Model = "azure-openai/gpt-4o", Raw = "the plan",
                StartedAt = T0, FinishedAt = T0.AddSeconds(8),
                TokenUsage = new TokenUsage { PromptTokens = 2000, CompletionTokens = 1000, TotalTokens = 3000, SuccessfulRequests = 4, CacheHits = 1 },
                Delegations = [Delegation("Engineer", 1, 5, 500, Delegation("Analyst", 2, 3, 100)), Delegation("Analyst", 1, 6, 400)],
                Retries = 2,
                Waits = [new ExecutionWait("rate-limit", T0.AddSeconds(6), T0.AddSeconds(7.5))],
            },
            new TaskOutput
            {
                Name = "<script>alert(1)</script>", Index = 1, Description = "d", Agent = "Writer", Model = "azure-openai/unpriced-model", Raw = "text",
                StartedAt = T0.AddSeconds(8), FinishedAt = T0.AddSeconds(10),
                TokenUsage = new TokenUsage { PromptTokens = 1000, TotalTokens = 1000, SuccessfulRequests = 1 },
            },
        ],
    };

    static readonly PricingOptions Prices = new() { Models = new Dictionary<string, ModelPrice> { ["gpt-4o"] = new() { PromptPer1K = 0.005m, CompletionPer1K = 0.015m } } };

    [Fact]
    public void The_report_counts_per_task_and_per_agent_and_prices_what_it_can()
    {
        var report = RunReportBuilder.Build(Output(), Prices);

        var plan = report.Tasks[0];
        Assert.Equal((8.0, 3000L, 1, 3, 2, 1.5), (plan.DurationSeconds, plan.Tokens, plan.CacheHits, plan.Delegations, plan.Retries, plan.WaitSeconds));
        Assert.Equal(0.025m, plan.Cost);
        Assert.Null(report.Tasks[1].Cost);
        Assert.Null(report.Cost);
        var analyst = report.Agents.Single(a => a.Agent == "Analyst");
        Assert.Equal((0, 2, 6.0), (analyst.Tasks, analyst.Delegations, analyst.BusySeconds));
        Assert.Equal(2100, report.Agents.Single(a => a.Agent == "Manager").Tokens);
        Assert.Equal(6.5, report.CharsPerSecond);
        Assert.Equal(["task", "delegation", "delegation", "delegation", "task"], report.Timeline.Select(b => b.Kind));
        Assert.Equal([0, 1, 2, 1, 0], report.Timeline.Select(b => b.Depth));
    }

    [Theory]
    [InlineData("markdown")]
    [InlineData("html")]
    public void A_report_scores_no_topics_of_its_own_choosing(string format)
    {
        var report = RunReportBuilder.Build(Output(), Prices);

        string text = format == "html" ? RunReportHtml.Render(report) : RunReportMarkdown.Render(report);

        Assert.DoesNotContain("Quality score", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Insights", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_with_warnings_lists_them_in_both_formats()
    {
        var output = Output() with { TasksOutput = [.. Output().TasksOutput.Select((t, i) => i == 0 ? t with { Warnings = ["the answer is not <JSON>"] } : t)] };
        var report = RunReportBuilder.Build(output, Prices);

        Assert.Contains("## Warnings\n\n- ⚠ plan: the answer is not <JSON>", RunReportMarkdown.Render(report), StringComparison.Ordinal);
        Assert.Contains("<h2>Warnings</h2><ul><li>⚠ plan: the answer is not &lt;JSON&gt;</li>", RunReportHtml.Render(report), StringComparison.Ordinal);
    }

    [Fact]
    public void Offline_runs_cost_nothing()
    {
        var output = Output() with { TasksOutput = [.. Output().TasksOutput.Select(t => t with { Model = "offline" })] };

        Assert.Equal(0m, RunReportBuilder.Build(output, new PricingOptions()).Cost);
    }

    [Fact]
    public void The_html_page_is_self_contained_encodes_every_text_and_draws_one_bar_per_task_and_delegation_in_time()
    {
        string html = RunReportHtml.Render(RunReportBuilder.Build(Output(), Prices));

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        var bars = Bar().Matches(html).Select(m => (Kind: m.Groups[1].Value, Start: double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), End: double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), X: double.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(["task", "delegation", "delegation", "delegation", "task"], bars.Select(b => b.Kind));
        Assert.Equal([0, 1, 2, 1, 8], bars.Select(b => b.Start));
        Assert.Equal(bars[1].X, bars[3].X);
        Assert.True(bars[1].Start < bars[3].End && bars[3].Start < bars[1].End, "parallel delegations are drawn side by side in time");
        Assert.True(bars[4].X > bars[0].X);
    }

    [Fact]
    public void Each_item_of_a_for_each_task_is_its_own_row_and_a_skipped_task_says_so()
    {
        TaskOutput Item(int k) => new() { Name = TaskOutput.ItemName("profile", k), Item = k, Index = 1, Description = "d", Agent = "Analyst", Raw = $"profile {k}", StartedAt = T0.AddSeconds(k), FinishedAt = T0.AddSeconds(k + 2) };
        var output = Output() with
        {
            TasksOutput = [Item(0), Item(1), new TaskOutput { Name = "risk", Index = 2, Description = "d", Agent = "Analyst", Raw = "", Skipped = "Skipped: its condition 'x' is false.", StartedAt = T0.AddSeconds(3), FinishedAt = T0.AddSeconds(3) }],
        };

        var report = RunReportBuilder.Build(output, Prices);
        string md = RunReportMarkdown.Render(report);

        Assert.Equal(["profile[0]", "profile[1]", "risk"], report.Tasks.Select(t => t.Name));
        Assert.Equal(["profile[0]", "profile[1]"], report.Timeline.Where(b => b.StartSeconds < b.EndSeconds).Select(b => b.Label));
        Assert.Equal(2, report.Agents.Single().Tasks);
        Assert.Contains("| risk (skipped) | Analyst |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void The_markdown_report_has_the_tables_and_the_timeline()
    {
        string md = RunReportMarkdown.Render(RunReportBuilder.Build(Output(), Prices));

        Assert.Contains("| plan | Manager | azure-openai/gpt-4o | 8 | 3000 | 0.0250 | 1 | 3 | 2 | 1.5 |", md, StringComparison.Ordinal);
        Assert.Contains("cost unpriced", md, StringComparison.Ordinal);
        Assert.Contains("  Engineer: part for Engineer", md, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hierarchical_runs_report_shows_its_parallel_delegations_side_by_side()
    {
        await using var harness = await EngineHarness.StartAsync(new OfflineChatClient(TimeSpan.FromMilliseconds(200)));
        var loaded = DurableCrews.Definitions.CrewDefinitionLoader.Load(Path.Combine(RepoPaths.Crews, "data-platform"));
        var run = await harness.RunAsync(loaded.Definition!, new Dictionary<string, string> { ["platform"] = "payments" }, "reported");
        var service = new RunReportService(harness.Runs, Microsoft.Extensions.Options.Options.Create(new PricingOptions()));

        var report = (await service.GetAsync("reported"))!;

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var delegations = report.Timeline.Where(b => b.Kind == "delegation").ToList();
        Assert.Equal(2, delegations.Count);
        Assert.True(delegations[0].StartSeconds < delegations[1].EndSeconds && delegations[1].StartSeconds < delegations[0].EndSeconds);
        Assert.Null(await service.GetAsync("no-such-run"));
    }

    /// <summary>
    /// Needs Debian's Chromium. CI installs it and sets DURABLECREWS_REQUIRE_CHROMIUM, so there this test never skips; on a
    /// developer machine without a browser it is reported as skipped, with the reason, rather than failing the quick start.
    /// </summary>
    [SkippableFact]
    public async Task The_html_report_renders_in_headless_chromium()
    {
        bool required = Environment.GetEnvironmentVariable("DURABLECREWS_REQUIRE_CHROMIUM") == "1";
        Skip.If(!required && !File.Exists("/usr/bin/chromium"), "Debian's chromium is not installed (apt-get install chromium); .ci/run installs it.");

        string page = Path.Combine(folder.Path, "report.html");
        string shot = Path.Combine(folder.Path, "report.png");
        await File.WriteAllTextAsync(page, RunReportHtml.Render(RunReportBuilder.Build(Output(), Prices)));
        Assert.True(File.Exists("/usr/bin/chromium"), "Debian's chromium is needed (.ci/run installs it: apt-get install chromium)");

        var start = new ProcessStartInfo("/usr/bin/chromium") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", $"--user-data-dir={Path.Combine(folder.Path, "profile")}", "--window-size=1200,900", $"--screenshot={shot}", new Uri(page).AbsoluteUri })
        {
            start.ArgumentList.Add(arg);
        }

        using var chromium = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await chromium.WaitForExitAsync(timeout.Token);

        var png = await File.ReadAllBytesAsync(shot);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        int width = (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19];
        int height = (png[20] << 24) | (png[21] << 16) | (png[22] << 8) | png[23];
        Assert.Equal((1200, 900), (width, height));
        Assert.True(png.Length > 20_000, $"a {png.Length}-byte screenshot is too small to hold the report's tables and chart");
    }

    [GeneratedRegex("<rect class=\"bar (task|delegation)\"[^>]*data-start=\"([0-9.]+)\" data-end=\"([0-9.]+)\" x=\"([0-9.]+)\"")]
    private static partial Regex Bar();
}
