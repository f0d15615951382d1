using System.Diagnostics;
using System.Text;
using DurableCrews.Tests.Durability;
using DurableCrews.Tests.Support;
using Xunit.Abstractions;

namespace DurableCrews.Tests.Functions;

/// <summary>
/// The Functions host and its worker killed with SIGKILL while a model call is in flight, then started again: the run
/// completes within host.json's visibility timeouts (one minute) of the kill, and no model call that had finished before
/// the kill is made again.
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
    public async Task Host_and_worker_killed_during_a_model_call_recover_within_75_s_without_repeating_finished_calls()
    {
        await using var functions = await ModelBackedFunctionsHost.StartAsync(request =>
        {
            var call = StubModelCall.Read(request);
            if (call.Task == "Do step two")
            {
                gate.Wait(TimeSpan.FromSeconds(60));
            }

            return (200, ChatCompletions.Text($"done: {call.Task}"), null);
        });
        var model = functions.Model;
        using (var stored = await functions.Host.Http.PutAsync("crews/four-steps", new StringContent(CrashResumeTests.FourSteps, Encoding.UTF8, "application/yaml")))
        {
            Assert.True(stored.IsSuccessStatusCode, await stored.Content.ReadAsStringAsync());
        }

        using (var started = await functions.Host.PostJsonAsync("crews/four-steps/kickoff", """{"runId":"fh-crash"}"""))
        {
            Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        }

        using (var inFlight = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (!model.Requests.Any(r => StubModelCall.Read(r).Task == "Do step two"))
            {
                await Task.Delay(50, inFlight.Token);
            }
        }

        await functions.Host.KillAsync();
        var sinceKill = Stopwatch.StartNew();
        gate.Set();
        await functions.RestartAsync();
        var run = await functions.Host.WaitForEndAsync("fh-crash", seconds: 150);
        sinceKill.Stop();
        output.WriteLine($"Functions host: killed during a model call, run completed {sinceKill.Elapsed.TotalSeconds:F1} s after the kill.");

        Assert.Equal("Completed", run.GetProperty("status").GetString());
        Assert.True(sinceKill.Elapsed.TotalSeconds <= RecoverySeconds, $"the run completed {sinceKill.Elapsed.TotalSeconds:F1} s after the kill (at most {RecoverySeconds} s)");
        var outputs = run.GetProperty("output").GetProperty("tasks_output").EnumerateArray().Select(t => t.GetProperty("raw").GetString()).ToList();
        Assert.Equal(["done: Do step one", "done: Do step two", "done: Do step three", "done: Do step four"], outputs);
        var calls = model.Requests.Select(StubModelCall.Read).GroupBy(c => c.Task).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(1, calls["Do step one"]);
        Assert.True(calls["Do step two"] >= 2, "step two's call was in flight at the kill and must be made again");
        Assert.Equal(1, calls["Do step three"]);
        Assert.Equal(1, calls["Do step four"]);
    }
}
