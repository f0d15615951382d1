using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace DurableCrews.Tests.Support;

/// <summary>
/// The published Functions app running in the Azure Functions host (the host process and the isolated worker it starts),
/// in a process group of its own so that both die together: <see cref="KillAsync"/> is a crash (SIGKILL to the group),
/// and disposing always kills whatever is left. Settings are environment variables, as app settings are in Azure.
/// </summary>
public sealed class FunctionsHostProcess : IAsyncDisposable
{
    const int SigKill = 9;
    const int SigTerm = 15;

    readonly Process process;
    readonly StringBuilder log;
    readonly string secrets;

    FunctionsHostProcess(Process process, StringBuilder log, int port, string secrets)
    {
        this.secrets = secrets;
        this.process = process;
        this.log = log;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/api/"), Timeout = TimeSpan.FromSeconds(100) };
    }

    /// <summary>The loopback port the host listens on.</summary>
    public int Port { get; }

    /// <summary>A client for <c>http://127.0.0.1:port/api/</c> that sends the function key.</summary>
    public HttpClient Http { get; }

    /// <summary>The default function key (null under Core Tools, which does not check keys locally).</summary>
    public string? FunctionKey { get; private set; }

    /// <summary>Whether the host has exited (killed, stopped, or shut down on its own).</summary>
    public bool HasExited => process.HasExited;

    /// <summary>What the host and the worker wrote so far.</summary>
    public string Log
    {
        get
        {
            lock (log)
            {
                return log.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="app"/> in the host on <paramref name="port"/> with <paramref name="settings"/>; the host is
    /// unpacked in <paramref name="home"/> and keeps its keys in <paramref name="home"/>/secrets. Returns once the host
    /// answers an HTTP function with its key.
    /// </summary>
    public static async Task<FunctionsHostProcess> StartAsync(FunctionsHostCommand command, string app, int port, string home, IReadOnlyDictionary<string, string> settings)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(settings);
        string secrets = Path.Combine(home, "secrets");
        var start = new ProcessStartInfo("setsid") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(command.Path);
        if (command.IsCoreTools)
        {
            start.WorkingDirectory = app;
            foreach (string arg in new[] { "start", "--port", $"{port}" })
            {
                start.ArgumentList.Add(arg);
            }
        }
        else
        {
            start.ArgumentList.Add(app);
            start.ArgumentList.Add($"{port}");
        }

        start.Environment["FUNCTIONS_HOST_HOME"] = home;
        start.Environment["FUNCTIONS_SECRETS_PATH"] = secrets;
        start.Environment["AzureWebJobsSecretStorageType"] = "files";
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        var log = new StringBuilder();
        var process = Process.Start(start) ?? throw new InvalidOperationException("setsid did not start.");
        void Append(object? sender, DataReceivedEventArgs line)
        {
            lock (log)
            {
                log.AppendLine(line.Data);
            }
        }

        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new FunctionsHostProcess(process, log, port, secrets);
        try
        {
            await host.WaitUntilReadyAsync(secrets, command.IsCoreTools);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    async Task WaitUntilReadyAsync(string secrets, bool isCoreTools)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The Functions host exited ({process.ExitCode}) before it was ready:\n{Log}");
            }

            FunctionKey ??= ReadFunctionKey(secrets);
            if (FunctionKey is not null || isCoreTools)
            {
                if (FunctionKey is not null && !Http.DefaultRequestHeaders.Contains("x-functions-key"))
                {
                    Http.DefaultRequestHeaders.Add("x-functions-key", FunctionKey);
                }

                try
                {
                    using var answer = await Http.GetAsync("crews");
                    if (answer.StatusCode == HttpStatusCode.OK)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The Functions host did not answer within 120 s:\n{Log}");
    }

    static string? ReadFunctionKey(string secrets)
    {
        string file = Path.Combine(secrets, "host.json");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            return document.RootElement.GetProperty("functionKeys")[0].GetProperty("value").GetString();
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException or IndexOutOfRangeException or InvalidOperationException)
        {
            // Not written yet, or being written.
            return null;
        }
    }

    /// <summary>POSTs <paramref name="json"/> to <paramref name="path"/> (relative to <c>/api/</c>).</summary>
    public Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>GETs <paramref name="path"/> and parses the body, failing the test on any status but 200.</summary>
    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var answer = await Http.GetAsync(path);
        string body = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)answer.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Polls <c>runs/{runId}</c> until <paramref name="condition"/> holds (within <paramref name="seconds"/>).</summary>
    public async Task<JsonElement> WaitForRunAsync(string runId, Func<JsonElement, bool> condition, int seconds = 120)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            if (process.HasExited)
            {
                string all = Log;
                string saved = Path.Combine(Path.GetTempPath(), $"functions-host-{Guid.NewGuid():N}.log");
                await File.WriteAllTextAsync(saved, all, CancellationToken.None);
                throw new InvalidOperationException($"The host exited (code {process.ExitCode}) while {runId} was awaited; its whole log is in {saved}; it ends: {all[Math.Max(0, all.Length - 6000)..]}");
            }

            using var answer = await TryGetAsync($"runs/{Uri.EscapeDataString(runId)}", timeout.Token);
            if (answer?.StatusCode == HttpStatusCode.OK)
            {
                var run = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(timeout.Token)).RootElement.Clone();
                if (condition(run))
                {
                    return run;
                }
            }

            await Task.Delay(250, timeout.Token);
        }
    }

    /// <summary>A GET that answers null while the host refuses connections (restarting its script host, or on its way out).</summary>
    async Task<HttpResponseMessage?> TryGetAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await Http.GetAsync(path, cancellationToken);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Polls <c>runs/{runId}</c> until the run has ended.</summary>
    public Task<JsonElement> WaitForEndAsync(string runId, int seconds = 120) =>
        WaitForRunAsync(runId, run => run.GetProperty("status").GetString() is not ("Pending" or "Running"), seconds);

    /// <summary>Kills the host and its worker at once, as a crash would (SIGKILL to the process group), and waits until both are gone.</summary>
    public async Task KillAsync()
    {
        if (kill(-process.Id, SigKill) != 0 && !process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (kill(-process.Id, 0) == 0)
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    /// <summary>
    /// Puts the host in drain mode as the platform does before it takes an instance away (scale-in, a restart): the
    /// host stops its listeners and lets the invocations in flight finish. Waits until the host says the drain has
    /// completed; false when it has not after <paramref name="limit"/>.
    /// </summary>
    public async Task<bool> DrainAsync(TimeSpan limit)
    {
        string masterKey;
        using (var document = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(secrets, "host.json"))))
        {
            masterKey = document.RootElement.GetProperty("masterKey").GetProperty("value").GetString()!;
        }

        using var admin = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}/admin/host/") };
        admin.DefaultRequestHeaders.Add("x-functions-key", masterKey);
        using (var drain = await admin.PostAsync("drain", null))
        {
            Assert.True(drain.StatusCode == HttpStatusCode.Accepted, $"POST /admin/host/drain: {(int)drain.StatusCode} {await drain.Content.ReadAsStringAsync()}");
        }

        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline)
        {
            using var status = await admin.GetAsync("drain/status");
            using var body = JsonDocument.Parse(await status.Content.ReadAsStringAsync());
            if (body.RootElement.GetProperty("state").GetString() == "Completed")
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    /// <summary>
    /// Stops the host as the platform does on a deploy or scale-in (SIGTERM to the host alone, which shuts its worker
    /// down), and waits for the host and its worker to exit; kills both after <paramref name="grace"/>. Whether they
    /// exited on their own, and how long it took.
    /// </summary>
    public async Task<(bool Exited, TimeSpan After)> StopAsync(TimeSpan grace)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        kill(process.Id, SigTerm);
        using var limit = new CancellationTokenSource(grace);
        try
        {
            await process.WaitForExitAsync(limit.Token);
            while (kill(-process.Id, 0) == 0)
            {
                await Task.Delay(50, limit.Token);
            }

            return (true, watch.Elapsed);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            return (false, watch.Elapsed);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        finally
        {
            Http.Dispose();
            process.Dispose();
        }
    }

    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int sig);
}
