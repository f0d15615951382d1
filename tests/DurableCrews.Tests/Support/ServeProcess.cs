using System.Diagnostics;
using System.Text.RegularExpressions;

namespace DurableCrews.Tests.Support;

/// <summary><c>durablecrews serve</c> as a child process, to be killed with SIGKILL and started again.</summary>
public sealed partial class ServeProcess : IAsyncDisposable
{
    readonly Process process;

    readonly System.Text.StringBuilder stderr;

    ServeProcess(Process process, Uri address, System.Text.StringBuilder stderr)
    {
        this.process = process;
        Address = address;
        this.stderr = stderr;
    }

    /// <summary>With a storage connection: the worker id the process works the task hub as.</summary>
    public string? WorkerId { get; private init; }

    /// <summary>The API's base address, <c>http://127.0.0.1:port/api/</c>.</summary>
    public Uri Address { get; }

    /// <summary>Starts the server with these settings (as environment variables) and waits until it listens.</summary>
    public static async Task<ServeProcess> StartAsync(IDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "DurableCrews.Cli.dll"));
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--port");
        start.ArgumentList.Add("0");
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        string? workerId = null;
        var stderr = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } text && Listening().Match(text) is { Success: true } match)
            {
                workerId = Worker().Match(text) is { Success: true } worker ? worker.Groups[1].Value : null;
                listening.TrySetResult(new Uri(match.Groups[1].Value + "/"));
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(line.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != listening.Task)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"serve did not start listening: {stderr}");
        }

        return new ServeProcess(process, await listening.Task, stderr) { WorkerId = workerId };
    }

    /// <summary>Stores <paramref name="yaml"/> as the crew <paramref name="crew"/> and kicks it off as run <paramref name="runId"/>.</summary>
    public async Task StartRunAsync(string crew, string yaml, string runId)
    {
        await StoreCrewAsync(crew, yaml);
        using var http = new HttpClient { BaseAddress = Address };
        var started = await http.PostAsync($"crews/{crew}/kickoff", new StringContent($$"""{"runId":"{{runId}}"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
    }

    /// <summary>Stores <paramref name="yaml"/> as the crew <paramref name="crew"/>.</summary>
    public async Task StoreCrewAsync(string crew, string yaml)
    {
        using var http = new HttpClient { BaseAddress = Address };
        var stored = await http.PutAsync($"crews/{crew}", new StringContent(yaml, System.Text.Encoding.UTF8, "application/yaml"));
        Assert.True(stored.IsSuccessStatusCode, await stored.Content.ReadAsStringAsync());
    }

    /// <summary>Kicks off a stored crew as run <paramref name="runId"/> with <paramref name="inputs"/>; whether the server took it (it may be out of storage, or stopping).</summary>
    public async Task<bool> TryStartRunAsync(string crew, string runId, object inputs)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(15) };
        try
        {
            string body = System.Text.Json.JsonSerializer.Serialize(new { runId, inputs });
            using var started = await http.PostAsync($"crews/{crew}/kickoff", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            return started.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>Polls the run until it is neither pending nor running (an error answer is asked again); its status document. Throws after <paramref name="limit"/>.</summary>
    public async Task<System.Text.Json.JsonElement> WaitForEndAsync(string runId, TimeSpan limit)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(10) };
        using var timeout = new CancellationTokenSource(limit);
        while (!timeout.IsCancellationRequested)
        {
            // While storage is out the server answers errors; the run is looked at again when it is back.
            try
            {
                using var response = await http.GetAsync($"runs/{runId}");
                if (response.IsSuccessStatusCode)
                {
                    var run = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
                    if (run.GetProperty("status").GetString() is not ("Pending" or "Running"))
                    {
                        return run;
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // No answer in time: asked again.
            }

            await Task.Delay(200);
        }

        string log = Stderr;
        throw new TimeoutException($"Run '{runId}' had not ended after {limit.TotalSeconds} s. serve's stderr (last 8000 characters):\n{log[Math.Max(0, log.Length - 8000)..]}");
    }

    /// <summary>What the process wrote to stderr so far.</summary>
    public string Stderr
    {
        get
        {
            lock (stderr)
            {
                return stderr.ToString();
            }
        }
    }

    /// <summary>Sends a signal (SIGTERM, SIGINT) as an operator or a container runtime would, and waits up to <paramref name="limit"/> for the exit.</summary>
    /// <returns>The exit code and how long the exit took; null code when it had not exited in time.</returns>
    public async Task<(int? ExitCode, TimeSpan Elapsed)> SignalAsync(System.Runtime.InteropServices.PosixSignal signal, TimeSpan limit) =>
        await ChildSignals.SendAndWaitAsync(process, signal, limit);

    /// <summary>Kills the process at once, as a crash would (SIGKILL on Linux).</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            await KillAsync();
        }

        process.Dispose();
    }

    [GeneratedRegex(@"serving (http://[^ ]+/api)")]
    private static partial Regex Listening();

    [GeneratedRegex(@"as worker '([^']+)'")]
    private static partial Regex Worker();
}
