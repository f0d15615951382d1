using System.Diagnostics;
using System.Text;
using DurableCrews.Api;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Runs;
using DurableCrews.Telemetry;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
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

    static async Task<(RunView Run, List<Activity> Spans)> TracedFlowAsync(string yaml, string runId)
    {
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(CrewTelemetry.Name).AddInMemoryExporter(spans).Build();
        var crew = new CrewBuilder().Agent("a").Task("work", "a").Build() with { Name = "work" };
        var loaded = FlowDefinitionLoader.Parse(yaml, "traced", "flow.yaml", name => name == "work" ? new CrewLoadResult { Definition = crew } : null);
        Assert.True(loaded.Succeeded, string.Join("; ", loaded.Problems.Select(p => $"{p.Path}: {p.Message}")));
        await using var harness = await EngineHarness.StartAsync(new OfflineChatClient());
        await harness.Engine.Services.GetRequiredService<FlowRunService>().KickoffAsync(loaded.Definition!, new KickoffRequest { RunId = runId });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = await harness.Engine.Runs.WaitAsync(runId, pollInterval: TimeSpan.FromMilliseconds(25), cancellationToken: timeout.Token);
        tracing.ForceFlush();
        return (run, spans.Where(s => Equals(s.GetTagItem(CrewTelemetry.RunIdAttribute), runId)).ToList());
    }

    [Fact]
    public async Task A_flow_gives_a_span_per_step_run_with_each_loop_iteration_apart_and_a_span_per_for_each_item_under_its_step()
    {
        string runId = $"traced-flow-{Guid.NewGuid():N}"[..24];
        var (run, mine) = await TracedFlowAsync(
            """
            state: { round: 0, names: [ada, bob] }
            steps:
              work:
                crew: work
                start: true
                listen: again
                set: { round: state.round + 1 }
                router:
                  - when: state.round < 3
                    emit: again
                  - emit: done
              each: { crew: work, listen: done, for_each: state.names, as: name, inputs: { who: "{name}" } }
            """, runId);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var root = Assert.Single(mine, s => s.DisplayName == "flow.run traced");
        Assert.Equal(default, root.ParentSpanId);
        var work = mine.Where(s => s.DisplayName == "flow.step work").ToList();
        Assert.Equal([1, 2, 3], work.Select(s => (int)s.GetTagItem("durablecrews.flow.iteration")!).Order());
        Assert.All(work, s => Assert.Equal(root.SpanId, s.ParentSpanId));
        Assert.Equal(["again", "again", "done"], work.OrderBy(s => (int)s.GetTagItem("durablecrews.flow.iteration")!).Select(s => (string)s.GetTagItem("durablecrews.flow.labels")!));
        var each = Assert.Single(mine, s => s.DisplayName == "flow.step each");
        Assert.Equal(2, each.GetTagItem("durablecrews.flow.items"));
        var items = mine.Where(s => s.DisplayName.StartsWith("flow.item ", StringComparison.Ordinal)).OrderBy(s => s.DisplayName, StringComparer.Ordinal).ToList();
        Assert.Equal(["flow.item each[0]", "flow.item each[1]"], items.Select(s => s.DisplayName));
        Assert.All(items, s => Assert.Equal(each.SpanId, s.ParentSpanId));
        Assert.Equal([$"{runId}.each.i0", $"{runId}.each.i1"], items.Select(s => (string)s.GetTagItem("durablecrews.flow.step_run")!));
        Assert.All(mine, s => Assert.Equal(root.TraceId, s.TraceId));
    }

    [Fact]
    public async Task A_flow_whose_loop_runs_past_its_bound_gives_an_error_span_with_the_iterations_that_finished()
    {
        string runId = $"traced-loop-{Guid.NewGuid():N}"[..24];
        var (run, mine) = await TracedFlowAsync(
            """
            steps:
              work:
                crew: work
                start: true
                listen: again
                max_iterations: 2
                router:
                  - when: 1 > 2
                    emit: done
                  - emit: again
              wrap_up: { crew: work, listen: done }
            """, runId);

        Assert.Equal(CrewRunStatus.Failed, run.Status);
        var root = Assert.Single(mine, s => s.DisplayName == "flow.run traced");
        Assert.Equal(ActivityStatusCode.Error, root.Status);
        Assert.Contains("max_iterations is 2", root.StatusDescription, StringComparison.Ordinal);
        Assert.Equal([1, 2], mine.Where(s => s.DisplayName == "flow.step work").Select(s => (int)s.GetTagItem("durablecrews.flow.iteration")!).Order());
    }

    [Fact]
    public async Task Each_item_of_a_crews_for_each_task_has_its_task_span_tagged_with_its_index()
    {
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(CrewTelemetry.Name).AddInMemoryExporter(spans).Build();
        var crew = CrewDefinitionLoader.Parse("""
            name: traced-items
            agents:
              a: { role: Worker, goal: g, backstory: b }
            tasks:
              explore:
                description: List the names
                expected_output: The names
                agent: a
                output_json: { type: object, properties: { names: { type: array, items: { type: string } } } }
              profile: { description: "Profile {item}", expected_output: A profile, agent: a, for_each: explore.names }
            """, "traced-items").Definition!;
        await using var harness = await EngineHarness.StartAsync(new OfflineChatClient());

        var run = await harness.RunAsync(crew);
        tracing.ForceFlush();

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var items = spans.Where(s => Equals(s.GetTagItem(CrewTelemetry.RunIdAttribute), run.RunId) && s.DisplayName.StartsWith("crew.task profile[", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(items);
        Assert.All(items, s => Assert.Equal($"crew.task profile[{s.GetTagItem("durablecrews.item")}]", s.DisplayName));
        Assert.Null(Assert.Single(spans, s => Equals(s.GetTagItem(CrewTelemetry.RunIdAttribute), run.RunId) && s.DisplayName == "crew.task explore").GetTagItem("durablecrews.item"));
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
