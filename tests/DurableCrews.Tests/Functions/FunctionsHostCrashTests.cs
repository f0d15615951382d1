using System.Diagnostics;
using System.Text;
using DurableCrews.Orchestration;
using DurableCrews.Orchestration.AgentWork;
using DurableCrews.Tests.Durability;
using DurableCrews.Tests.Support;
using Xunit.Abstractions;

namespace DurableCrews.Tests.Functions;

/// <summary>
/// The Functions host and its worker killed with SIGKILL while a model call is in flight, then started again as the next
/// deploy (a newer orchestration version): the run completes within host.json's visibility timeouts (one minute) of the
/// kill on the steps of the version it started on, no model call that had finished before the kill is made again, and a
/// run started after the deploy takes the new version's steps.
/// </summary>
public sealed class FunctionsHostCrashTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>The most seconds from the kill to the run's completion that host.json's settings allow (visibility timeouts of 60 s, polling at 2 s).</summary>
    const int RecoverySeconds = 75;

    readonly ManualResetEventSlim gate = new(false);

    public void Dispose()
    {
        gate.Set();
        gate.Dispose();
    }

    [SkippableFact]
    public async Task Host_and_worker_killed_during_a_model_call_and_restarted_as_the_next_version_finish_the_run_within_75_s_on_its_own_steps()
    {
        await using var functions = await ModelBackedFunctionsHost.StartAsync(request =>
        {
            var call = StubModelCall.Read(request);
            if (call.Task == "Do step two")
            {
                gate.Wait(TimeSpan.FromSeconds(60));
            }

            return (200, ChatCompletions.Text($"done: {call.Task}"), null);
        }, new Dictionary<string, string> { ["DurableCrews__Versioning__StartVersion"] = OrchestrationVersions.SeparateBeginAndFinish });
        var model = functions.Model;
        using (var stored = await functions.Host.Http.PutAsync("crews/four-steps", new StringContent(CrashResumeTests.FourSteps, Encoding.UTF8, "application/yaml")))
        {
            Assert.True(stored.IsSuccessStatusCode, await stored.Content.ReadAsStringAsync());
        }

        using (var started = await functions.Host.PostJsonAsync("crews/four-steps/kickoff", """{"runId":"fh-crash"}"""))
        {
            Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        }

        await Eventually.HoldsAsync(() => model.Requests.Any(r => StubModelCall.Read(r).Task == "Do step two"), TimeSpan.FromSeconds(60));

        await functions.Host.KillAsync();
        var sinceKill = Stopwatch.StartNew();
        gate.Set();
        await functions.RestartAsync(new Dictionary<string, string>());
        var run = await functions.Host.WaitForEndAsync("fh-crash", seconds: 150);
        sinceKill.Stop();
        using (var started = await functions.Host.PostJsonAsync("crews/four-steps/kickoff?wait=60", """{"runId":"fh-after-deploy"}"""))
        {
            Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        }

        output.WriteLine($"Functions host: killed during a model call, run completed {sinceKill.Elapsed.TotalSeconds:F1} s after the kill.");

        Assert.Equal("Completed", run.GetProperty("status").GetString());
        Assert.True(sinceKill.Elapsed.TotalSeconds <= RecoverySeconds, $"the run completed {sinceKill.Elapsed.TotalSeconds:F1} s after the kill (at most {RecoverySeconds} s)");
        var outputs = run.GetProperty("output").GetProperty("tasks_output").EnumerateArray().Select(t => t.GetProperty("raw").GetString()).ToList();
        Assert.Equal(["done: Do step one", "done: Do step two", "done: Do step three", "done: Do step four"], outputs);
        // Both runs ask once for steps one, three and four: the kill repeated no call that had finished.
        var calls = model.Requests.Select(StubModelCall.Read).GroupBy(c => c.Task).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(2, calls["Do step one"]);
        Assert.True(calls["Do step two"] >= 3, "step two's call was in flight at the kill and must be made again");
        Assert.Equal(2, calls["Do step three"]);
        Assert.Equal(2, calls["Do step four"]);
        var before = await TaskHubHistory.ReadAsync(functions.Storage.ConnectionString, ModelBackedFunctionsHost.Hub, "fh-crash");
        var after = await TaskHubHistory.ReadAsync(functions.Storage.ConnectionString, ModelBackedFunctionsHost.Hub, "fh-after-deploy");
        Assert.Equal((OrchestrationVersions.SeparateBeginAndFinish, OrchestrationVersions.Current), (before.Version, after.Version));
        Assert.Contains(nameof(FinishAgentWorkActivity), before.Activities);
        Assert.DoesNotContain(nameof(FinishAgentWorkActivity), after.Activities);
    }
}
