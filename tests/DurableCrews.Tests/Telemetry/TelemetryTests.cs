using System.Diagnostics;
using System.Text;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Runs;
using DurableCrews.Telemetry;
using DurableCrews.Tests.Support;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace DurableCrews.Tests.Telemetry;

/// <summary>
/// Traces and metrics through the OpenTelemetry SDK: the span tree and the metrics of a hierarchical run with tools
/// (in-memory exporter), and OTLP/HTTP export from <c>durablecrews run</c> and <c>serve</c> to a receiver on loopback.
/// </summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task A_hierarchical_run_gives_one_trace_run_task_delegations_model_turns_and_tool_calls_and_its_metrics()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(CrewTelemetry.Name, CrewTelemetry.GenAiSourceName).AddInMemoryExporter(spans).Build();
        using var meters = Sdk.CreateMeterProviderBuilder().AddMeter(CrewTelemetry.Name).AddInMemoryExporter(metrics).Build();
        string crewName = $"traced-{Guid.NewGuid():N}"[..20];
        var crew = CrewDefinitionLoader.Parse($$"""
            name: {{crewName}}
            process: hierarchical
            agents:
              analyst: { role: Analyst, goal: Read the notes, backstory: Careful, tools: [file_read] }
              writer: { role: Writer, goal: Write the summary, backstory: Clear }
            tasks:
              summarise:
                description: "Work out the plan. 1. Read notes.md for the analyst. 2. Write the summary for the writer."
                expected_output: A summary
            files:
              notes.md: The launch moves to Tuesday.
            """, crewName).Definition!;
        await using var engine = await EngineHarness.StartAsync(new OfflineChatClient());

        var run = await engine.RunAsync(crew);
        tracing.ForceFlush();
        meters.ForceFlush();

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var mine = spans.Where(s => s.Source.Name == CrewTelemetry.Name && Equals(s.GetTagItem(CrewTelemetry.RunIdAttribute), run.RunId)).ToList();
        var root = Assert.Single(mine, s => s.DisplayName == $"crew.run {crewName}");
        Assert.Equal(default, root.ParentSpanId);
        var task = Assert.Single(mine, s => s.DisplayName == "crew.task summarise");
        Assert.Equal(root.SpanId, task.ParentSpanId);
        var delegations = mine.Where(s => s.DisplayName.StartsWith("crew.delegation ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["crew.delegation Analyst", "crew.delegation Writer"], delegations.Select(d => d.DisplayName).Order(StringComparer.Ordinal));
        Assert.All(delegations, d => Assert.Equal(task.SpanId, d.ParentSpanId));
        var analyst = delegations.Single(d => d.DisplayName == "crew.delegation Analyst");
        var tool = Assert.Single(mine, s => s.DisplayName == "execute_tool file_read");
        Assert.Equal(analyst.SpanId, tool.ParentSpanId);
        Assert.Equal("file_read", tool.GetTagItem("gen_ai.tool.name"));
        var chats = mine.Where(s => s.DisplayName.StartsWith("chat ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, chats.Count(c => c.ParentSpanId == task.SpanId));
        Assert.Equal(2, chats.Count(c => c.ParentSpanId == analyst.SpanId));
        Assert.All(chats, c => Assert.Equal("chat", c.GetTagItem("gen_ai.operation.name")));
        Assert.All(mine, s => Assert.Equal(root.TraceId, s.TraceId));
        Assert.All(mine, s => Assert.True(s.StartTimeUtc >= root.StartTimeUtc.AddMilliseconds(-1) && s.StartTimeUtc + s.Duration <= root.StartTimeUtc + root.Duration + TimeSpan.FromMilliseconds(1), s.DisplayName));

        // Each turn's span in the run's trace links to the live span of the call (invoke_agent, with the chat client's chat span under it).
        var live = spans.Where(s => s.DisplayName.StartsWith("invoke_agent ", StringComparison.Ordinal) && Equals(s.GetTagItem(CrewTelemetry.RunIdAttribute), run.RunId)).ToList();
        Assert.Equal(chats.Count, live.Count);
        Assert.All(chats, c => Assert.Contains(live, l => c.Links.Any(link => link.Context.SpanId == l.SpanId)));
        Assert.All(live, l => Assert.Contains(spans, s => s.ParentSpanId == l.SpanId && s.Source.Name == CrewTelemetry.GenAiSourceName && s.DisplayName.StartsWith("chat", StringComparison.Ordinal)));

        long Sum(string name, string tag, string value) => metrics.Where(m => m.Name == name).SelectMany(Points)
            .Where(p => Tags(p).Any(t => t.Key == tag && Equals(t.Value, value)))
            .Sum(p => name.EndsWith("duration", StringComparison.Ordinal) ? p.GetHistogramCount() : p.GetSumLong());
        Assert.Equal(1, Sum("durablecrews.runs.started", "durablecrews.crew", crewName));
        Assert.Equal(1, Sum("durablecrews.runs.ended", "durablecrews.crew", crewName));
        Assert.Equal(1, Sum("durablecrews.task.duration", "durablecrews.crew", crewName));
        Assert.True(Sum("durablecrews.tool_call.duration", "gen_ai.tool.name", "file_read") >= 1);
        Assert.True(Sum("durablecrews.tokens", "gen_ai.token.type", "input") > 0);
    }

    static IEnumerable<MetricPoint> Points(Metric metric)
    {
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            yield return point;
        }
    }

    static List<KeyValuePair<string, object?>> Tags(MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, object?>>();
        foreach (var tag in point.Tags)
        {
            tags.Add(tag);
        }

        return tags;
    }

    [Fact]
    public async Task Durablecrews_run_and_serve_export_spans_and_metrics_over_otlp_http_when_the_endpoint_is_set()
    {
        await using var receiver = await HttpStub.StartAsync(_ => (200, string.Empty, null));
        var otel = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.BaseAddress.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = "durablecrews-test",
        };

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = AppContext.BaseDirectory };
        foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "DurableCrews.Cli.dll"), "run", Path.Combine(RepoPaths.Crews, "data-platform"), "--input", "platform=payments" })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in otel)
        {
            start.Environment[name] = value;
        }

        start.Environment["DurableCrews__Storage__LocalPath"] = Path.Combine(Path.GetTempPath(), "durablecrews-tests", Guid.NewGuid().ToString("N"));
        using (var run = Process.Start(start)!)
        {
            var stdout = run.StandardOutput.ReadToEndAsync();
            var stderr = run.StandardError.ReadToEndAsync();
            await run.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(120)).Token);
            Assert.True(run.ExitCode == 0, await stderr);
            await stdout;
        }

        static string Body(StubRequest r) => r.Body;
        var fromRun = receiver.Requests.ToList();
        Assert.Contains(fromRun, r => r.Path == "/v1/traces" && Body(r).Contains("crew.run data-platform", StringComparison.Ordinal) && Body(r).Contains("durablecrews-test", StringComparison.Ordinal));
        Assert.Contains(fromRun, r => r.Path == "/v1/traces" && Body(r).Contains("crew.delegation", StringComparison.Ordinal));
        Assert.Contains(fromRun, r => r.Path == "/v1/metrics" && Body(r).Contains("durablecrews.runs.ended", StringComparison.Ordinal));

        var settings = new Dictionary<string, string>(otel) { ["DurableCrews__Storage__LocalPath"] = Path.Combine(Path.GetTempPath(), "durablecrews-tests", Guid.NewGuid().ToString("N")) };
        int before = receiver.Requests.Count;
        await using (var serve = await ServeProcess.StartAsync(settings))
        {
            using var http = new HttpClient { BaseAddress = serve.Address };
            var started = await http.PostAsync("crews/contextual-workflow/kickoff?wait=60", new StringContent("""{"inputs":{"base_topic":"event streams"}}""", Encoding.UTF8, "application/json"));
            Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
            var (exit, _) = await serve.SignalAsync(System.Runtime.InteropServices.PosixSignal.SIGTERM, TimeSpan.FromSeconds(30));
            Assert.Equal(0, exit);
        }

        var fromServe = receiver.Requests.Skip(before).ToList();
        Assert.Contains(fromServe, r => r.Path == "/v1/traces" && Body(r).Contains("crew.run contextual-workflow", StringComparison.Ordinal));
        Assert.Contains(fromServe, r => r.Path == "/v1/metrics" && Body(r).Contains("durablecrews.task.duration", StringComparison.Ordinal));
    }
}
