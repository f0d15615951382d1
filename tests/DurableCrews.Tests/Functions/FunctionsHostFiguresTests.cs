using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace DurableCrews.Tests.Functions;

/// <summary>
/// What the Functions host adds to a run, with the shared host's offline model taking L = 300 ms a call: a manager's
/// sixteen delegations run at once (the makespan stays near the critical path, 3 L, far from the serial (k + 2) L), and
/// a sequential crew's cost per task beyond its model call. Each test prints its figure (see docs/benchmarks.md).
/// </summary>
[Collection(FunctionsHostCollection.Name)]
public sealed class FunctionsHostFiguresTests(FunctionsHostFixture fixture, ITestOutputHelper output)
{
    const int LatencyMs = FunctionsHostFixture.OfflineLatencyMs;

    static readonly string[] Areas =
        ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa"];

    static string Hierarchical() => new StringBuilder()
        .AppendLine("process: hierarchical")
        .AppendLine("agents:")
        .AppendJoin(string.Empty, Areas.Select(a => $"  {a}: {{ role: {char.ToUpperInvariant(a[0])}{a[1..]} Analyst, goal: Study {a}, backstory: Knows {a} }}\n"))
        .AppendLine("tasks:")
        .AppendLine("  survey:")
        .AppendLine("    description: |")
        .AppendLine("      Survey every area:")
        .AppendJoin(string.Empty, Areas.Select((a, i) => $"      {i + 1}. Study {a}\n"))
        .AppendLine("    expected_output: One finding per area")
        .ToString();

    static string Sequential(int tasks) => new StringBuilder()
        .AppendLine("agents:")
        .AppendLine("  worker: { role: Worker, goal: Finish each step, backstory: Steady }")
        .AppendLine("tasks:")
        .AppendJoin(string.Empty, Enumerable.Range(1, tasks).Select(i => $"  step_{i}: {{ description: Do step {i}, expected_output: Step {i} done, agent: worker }}\n"))
        .ToString();

    async Task<JsonElement> RunAsync(string crew, string yaml, string runId)
    {
        var host = fixture.Host;
        using (var stored = await host.Http.PutAsync($"crews/{crew}", new StringContent(yaml, Encoding.UTF8, "application/yaml")))
        {
            Assert.True(stored.IsSuccessStatusCode, await stored.Content.ReadAsStringAsync());
        }

        using var answer = await host.PostJsonAsync($"crews/{crew}/kickoff?wait=90", $$"""{"runId":"{{runId}}"}""");
        string body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.OK, body);
        var run = JsonDocument.Parse(body).RootElement.GetProperty("output").Clone();
        Assert.Equal("Completed", run.GetProperty("status").GetString());
        return run;
    }

    [SkippableFact]
    public async Task Sixteen_delegations_run_at_once_so_the_makespan_stays_far_below_serial_delegation()
    {
        var run = await RunAsync("sixteen-areas", Hierarchical(), "fh-sixteen");

        double makespan = run.GetProperty("duration_seconds").GetDouble() * 1000;
        int delegations = run.GetProperty("tasks_output")[0].GetProperty("delegations").GetArrayLength();
        double critical = 3 * LatencyMs, serial = (Areas.Length + 2) * LatencyMs;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Functions host: k = {delegations}, L = {LatencyMs} ms: makespan {makespan:0} ms, critical path {critical:0} ms ({makespan / critical:0.00}x), serial {serial:0} ms ({serial / makespan:0.00}x faster)."));
        Assert.Equal(Areas.Length, delegations);
        Assert.True(makespan < serial, $"makespan {makespan:0} ms is not below serial delegation's {serial:0} ms");
    }

    [SkippableFact]
    public async Task A_sequential_crew_runs_and_its_cost_per_task_beyond_the_model_call_is_printed()
    {
        const int Tasks = 10;

        var run = await RunAsync("ten-steps", Sequential(Tasks), "fh-ten-steps");

        double perTask = run.GetProperty("duration_seconds").GetDouble() * 1000 / Tasks;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Functions host: {Tasks} sequential tasks, L = {LatencyMs} ms: {perTask:0} ms per task, {perTask - LatencyMs:0} ms beyond the model call."));
        Assert.Equal(Tasks, run.GetProperty("tasks_output").GetArrayLength());
    }

    [SkippableFact]
    public async Task The_health_probe_runs_bare_activities_in_the_host_and_times_one()
    {
        const int Activities = 10;
        var host = fixture.Host;
        var perActivity = new List<double>();
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var health = await host.GetJsonAsync($"health?probe={Activities}");
            Assert.Equal("Healthy", health.GetProperty("status").GetString());
            Assert.Equal(Activities, health.GetProperty("probe").GetProperty("activities").GetInt32());
            perActivity.Add(health.GetProperty("probe").GetProperty("engine_ms").GetDouble() / Activities);
        }

        double median = perActivity.Order().ElementAt(1);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Functions host: a bare activity (health probe of {Activities}, engine time, median of 3) costs {median:0} ms."));
    }
}
