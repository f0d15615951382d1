using System.Diagnostics;
using System.Text;
using DurableCrews.Tests.Support;
using Xunit.Abstractions;

namespace DurableCrews.Tests.Functions;

/// <summary>
/// The Functions host taken away as the platform takes an instance away on a scale-in or restart while a model call is
/// in flight: drain mode (the in-flight invocation finishes and its answer is recorded), then SIGTERM. The host exits,
/// and the next host finishes the run without making the call again.
/// </summary>
public sealed class FunctionsHostDrainTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>How long the model holds the in-flight answer after the stop begins.</summary>
    static readonly TimeSpan Answer = TimeSpan.FromSeconds(5);

    readonly ManualResetEventSlim stopping = new(false);

    public void Dispose()
    {
        stopping.Set();
        stopping.Dispose();
    }

    [SkippableFact]
    public async Task A_host_drained_and_stopped_during_a_model_call_lets_the_call_finish_exits_and_the_next_host_finishes_the_run_without_repeating_it()
    {
        await using var functions = await ModelBackedFunctionsHost.StartAsync(request =>
        {
            var call = StubModelCall.Read(request);
            if (call.Task == "Do step two" && !stopping.IsSet)
            {
                stopping.Wait(TimeSpan.FromSeconds(60));
                Thread.Sleep(Answer);
            }

            return (200, ChatCompletions.Text($"done: {call.Task}"), null);
        });
        using (var stored = await functions.Host.Http.PutAsync("crews/three-steps", new StringContent(StepCrews.Sequential(3), Encoding.UTF8, "application/yaml")))
        {
            Assert.True(stored.IsSuccessStatusCode, await stored.Content.ReadAsStringAsync());
        }

        using (var started = await functions.Host.PostJsonAsync("crews/three-steps/kickoff", """{"runId":"fh-drain"}"""))
        {
            Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        }

        await Eventually.HoldsAsync(() => functions.Model.Requests.Any(r => StubModelCall.Read(r).Task == "Do step two"), TimeSpan.FromSeconds(60));

        stopping.Set();
        var drain = Stopwatch.StartNew();
        bool drained = await functions.Host.DrainAsync(TimeSpan.FromSeconds(60));
        drain.Stop();
        var (exited, after) = await functions.Host.StopAsync(TimeSpan.FromSeconds(60));
        string log = functions.Host.Log;
        var restart = Stopwatch.StartNew();
        await functions.RestartAsync();
        var run = await functions.Host.WaitForEndAsync("fh-drain", seconds: 150);
        output.WriteLine($"Functions host: drain during a model call answered {Answer.TotalSeconds:0} s later {(drained ? "completed" : "did not complete")} in {drain.Elapsed.TotalSeconds:0.0} s; then SIGTERM: host {(exited ? "exited" : "was killed")} {after.TotalSeconds:0.0} s after the signal; the run completed {restart.Elapsed.TotalSeconds:0.0} s after the restart.");

        Assert.True(drained, "the host's drain did not complete within 60 s");
        Assert.True(exited, $"the host did not exit within 60 s of SIGTERM: {log[Math.Max(0, log.Length - 4000)..]}");
        Assert.Equal("Completed", run.GetProperty("status").GetString());
        var calls = functions.Model.Requests.Select(StubModelCall.Read).GroupBy(c => c.Task).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"calls: {string.Join(", ", calls.Select(c => $"{c.Key}={c.Value}"))}");
        Assert.Equal((1, 1, 1), (calls.GetValueOrDefault("Do step one"), calls.GetValueOrDefault("Do step two"), calls.GetValueOrDefault("Do step three")));
    }
}
