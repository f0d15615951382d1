using System.Diagnostics;
using System.Text;
using System.Text.Json;
using DurableCrews.Tests.Support;
using Xunit.Abstractions;

namespace DurableCrews.Tests.Functions;

/// <summary>
/// The Functions app in the real host on an Azurite that is stopped (SIGTERM, data kept) for 20 s while a model call is
/// in flight, the call answering during the outage. Without the queue trigger the host rides the outage out: the run
/// completes soon after storage returns and no call is made again. With it, the WebJobs queue listener's storage error
/// can shut the host down (an upstream behaviour), the platform starts it again, and the run still completes with no
/// call made again: the answer that arrived while storage was out waited on this machine's disk (<c>WorkSpool</c>).
/// </summary>
public sealed class FunctionsHostStorageOutageTests(ITestOutputHelper output) : IDisposable
{
    static readonly TimeSpan Outage = TimeSpan.FromSeconds(20);

    /// <summary>How soon after storage returns a run that kept its host ends.</summary>
    static readonly TimeSpan Recovery = TimeSpan.FromSeconds(30);

    /// <summary>How soon after storage returns a run whose host shut down ends: a restart and host.json's one-minute visibility timeouts.</summary>
    static readonly TimeSpan RecoveryAfterRestart = TimeSpan.FromSeconds(90);

    readonly ManualResetEventSlim gate = new(false);
    readonly TempFolder data = new();

    public void Dispose()
    {
        gate.Set();
        gate.Dispose();
        data.Dispose();
    }

    /// <summary>Step three is the run's last task: its turn finishes the task and completes the run while storage is out.</summary>
    [SkippableTheory]
    [InlineData("Do step two")]
    [InlineData("Do step three")]
    public async Task Without_the_queue_trigger_a_model_call_answered_while_storage_is_stopped_is_not_made_again_and_the_run_completes_in_the_host(string heldTask)
    {
        var (run, back, restarts, calls) = await RunThroughOutageAsync(heldTask, new Dictionary<string, string> { ["AzureWebJobs.KickoffFromQueue.Disabled"] = "true" });

        Assert.Equal("Completed", run.GetProperty("status").GetString());
        Assert.Equal(0, restarts);
        Assert.True(back <= Recovery, $"the run ended {back.TotalSeconds:0.0} s after storage returned (at most {Recovery.TotalSeconds:0} s)");
        Assert.Equal((1, 1, 1), (calls.GetValueOrDefault("Do step one"), calls.GetValueOrDefault("Do step two"), calls.GetValueOrDefault("Do step three")));
    }

    [SkippableFact]
    public async Task With_the_queue_trigger_a_host_that_shuts_down_in_the_outage_is_started_again_and_finishes_the_run_without_asking_any_call_again()
    {
        var (run, back, restarts, calls) = await RunThroughOutageAsync("Do step two", []);

        Assert.Equal("Completed", run.GetProperty("status").GetString());
        Assert.True(back <= (restarts == 0 ? Recovery : RecoveryAfterRestart), $"the run ended {back.TotalSeconds:0.0} s after storage returned, after {restarts} restart(s)");
        Assert.Equal((1, 1, 1), (calls.GetValueOrDefault("Do step one"), calls.GetValueOrDefault("Do step two"), calls.GetValueOrDefault("Do step three")));
    }

    /// <summary>
    /// Runs three steps, holding <paramref name="heldTask"/>'s answer until storage is stopped, brings storage back after
    /// <see cref="Outage"/>, and waits for the run's end, starting the host again whenever it has shut down (as the
    /// platform does). The run, how long after storage's return it ended, the host's restarts, and the calls per task.
    /// </summary>
    async Task<(JsonElement Run, TimeSpan AfterReturn, int Restarts, Dictionary<string, int> Calls)> RunThroughOutageAsync(string heldTask, Dictionary<string, string> extra)
    {
        await using var functions = await ModelBackedFunctionsHost.StartAsync(request =>
        {
            var call = StubModelCall.Read(request);
            if (call.Task == heldTask)
            {
                gate.Wait(TimeSpan.FromSeconds(90));
            }

            return (200, ChatCompletions.Text($"done: {call.Task}"), null);
        }, extra, storageFolder: data.Path);
        using (var stored = await functions.Host.Http.PutAsync("crews/three-steps", new StringContent(StepCrews.Sequential(3), Encoding.UTF8, "application/yaml")))
        {
            Assert.True(stored.IsSuccessStatusCode, await stored.Content.ReadAsStringAsync());
        }

        using (var started = await functions.Host.PostJsonAsync("crews/three-steps/kickoff", """{"runId":"fh-outage"}"""))
        {
            Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        }

        await Eventually.HoldsAsync(() => functions.Model.Requests.Any(r => StubModelCall.Read(r).Task == heldTask), TimeSpan.FromSeconds(60));

        await functions.Storage.StopAsync();
        gate.Set();
        await Task.Delay(Outage);
        await functions.Storage.RestartAsync();
        var back = Stopwatch.StartNew();
        int restarts = 0;
        JsonElement run;
        while (true)
        {
            try
            {
                run = await functions.Host.WaitForEndAsync("fh-outage", seconds: 300);
                break;
            }
            catch (InvalidOperationException) when (functions.Host.HasExited && restarts < 3)
            {
                restarts++;
                await functions.RestartAsync(extra);
            }
        }

        back.Stop();
        var calls = functions.Model.Requests.Select(StubModelCall.Read).GroupBy(c => c.Task).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"Functions host{(extra.Count == 0 ? string.Empty : " without the queue trigger")}: storage stopped for {Outage.TotalSeconds:0} s during the model call of '{heldTask}'; the run ended {back.Elapsed.TotalSeconds:0.0} s after it returned; host restarts: {restarts}; calls: {string.Join(", ", calls.Select(c => $"{c.Key}={c.Value}"))}.");
        return (run, back.Elapsed, restarts, calls);
    }
}
