using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Cli;

/// <summary>
/// <c>durablecrews serve</c> and <c>run</c> as child processes, stopped the way operators and terminals stop them:
/// SIGTERM and SIGINT end them promptly with the right exit code, idle or with work in flight.
/// </summary>
public sealed class ShutdownTests : IDisposable
{
    static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    Dictionary<string, string> Settings(int modelLatencyMs = 0) => new()
    {
        ["DurableCrews__Storage__LocalPath"] = folder.Path,
        ["DurableCrews__Crews__Path"] = RepoPaths.Crews,
        ["DurableCrews__Model__OfflineLatencyMs"] = modelLatencyMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [Theory]
    [InlineData(PosixSignal.SIGTERM)]
    [InlineData(PosixSignal.SIGINT)]
    public async Task Idle_serve_exits_0_promptly_on_a_signal(PosixSignal signal)
    {
        await using var serve = await ServeProcess.StartAsync(Settings());

        var (exitCode, elapsed) = await serve.SignalAsync(signal, Limit);

        Assert.True(exitCode == 0, $"exit {exitCode?.ToString() ?? "none"} after {elapsed}: {serve.Stderr}");
        Assert.Contains("stopped in", serve.Stderr);
    }

    [Fact]
    public async Task Serve_with_a_model_call_in_flight_lets_it_finish_and_exits_0_within_ten_seconds()
    {
        await using var serve = await ServeProcess.StartAsync(Settings(modelLatencyMs: 2000));
        using var http = new HttpClient { BaseAddress = serve.Address };
        var started = await http.PostAsync("crews/contextual-workflow/kickoff", new StringContent("""{"inputs":{"base_topic":"tides"},"run_id":"in-flight"}""", Encoding.UTF8, "application/json"));
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        await WaitUntilRunningAsync(http, "in-flight");
        // The task shows as running once its orchestration is scheduled; its first activity (the 2 s model turn) is
        // dispatched a moment later on a busy machine. Half a second in, the call is surely in flight, and 1.5 s from done.
        await Task.Delay(500);

        var (exitCode, elapsed) = await serve.SignalAsync(PosixSignal.SIGTERM, Limit);

        Assert.True(exitCode == 0, $"exit {exitCode?.ToString() ?? "none"} after {elapsed}: {serve.Stderr}");
        Assert.Contains("1 activit(ies) in flight", serve.Stderr);
    }

    /// <summary>Until the run's first task is running (its 2 s model call is then in flight).</summary>
    static async Task WaitUntilRunningAsync(HttpClient http, string runId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            using var run = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync($"runs/{runId}", timeout.Token));
            if (run.RootElement.TryGetProperty("progress", out var progress) && progress.GetProperty("running").GetArrayLength() > 0)
            {
                return;
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    [Fact]
    public async Task Ctrl_c_during_a_run_terminates_it_says_so_and_exits_130_within_a_few_seconds()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "DurableCrews.Cli.dll"), "run", Path.Combine(RepoPaths.Crews, "data-platform"), "--input", "platform=payments" })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in Settings(modelLatencyMs: 5000))
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stderr = new StringBuilder();
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, line) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(line.Data);
            }

            if (line.Data?.Contains("… [1/1]", StringComparison.Ordinal) == true)
            {
                running.TrySetResult();
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        await running.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var (exitCode, elapsed) = await ChildSignals.SendAndWaitAsync(process, PosixSignal.SIGINT, Limit);

        string said;
        lock (stderr)
        {
            said = stderr.ToString();
        }

        Assert.True(exitCode == 130, $"exit {exitCode?.ToString() ?? "none"} after {elapsed}: {said}");
        Assert.True(elapsed < TimeSpan.FromSeconds(8), $"took {elapsed}");
        Assert.Contains("terminated: interrupted", said);
    }
}
