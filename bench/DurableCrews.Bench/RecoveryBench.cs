using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DurableCrews.Bench;

/// <summary>
/// Recovery after a crash, with the default engine settings: <c>durablecrews serve</c> on Azurite is killed with SIGKILL
/// while a model call is in flight and started again at once; prints how long until the call is made again (the
/// visibility timeout of the message the dead process held) and until the run completes, and checks that no finished
/// model call was repeated.
/// </summary>
internal static partial class RecoveryBench
{
    public static async Task RunAsync(string[] args)
    {
        using var azurite = await BenchAzurite.StartAsync();
        var arrivals = new ConcurrentQueue<(string Task, DateTime At)>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var model = await StartModelAsync(arrivals, release.Task);
        string hub = $"recovery{Guid.NewGuid():N}"[..20];
        var settings = new Dictionary<string, string>
        {
            ["DurableCrews__Storage__ConnectionString"] = azurite.ConnectionString,
            ["DurableCrews__Engine__TaskHub"] = hub,
            ["DurableCrews__Engine__WorkerId"] = $"{hub}-worker",
            ["DurableCrews__Model__Provider"] = "openai-compatible",
            ["DurableCrews__Model__Endpoint"] = $"{model.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()}/v1/",
            ["DurableCrews__Model__Name"] = "stub",
        };

        var (first, firstApi) = await StartServeAsync(settings);
        using var http = new HttpClient { BaseAddress = firstApi };
        const string crew = "agents:\n  w: { role: Worker, goal: Work, backstory: Steady }\ntasks:\n  one: { description: Do step one, expected_output: done, agent: w }\n  two: { description: Do step two, expected_output: done, agent: w }\n";
        (await http.PutAsync("crews/recovery", new StringContent(crew, Encoding.UTF8, "application/yaml"))).EnsureSuccessStatusCode();
        (await http.PostAsync("crews/recovery/kickoff", new StringContent("""{"run_id":"recovered"}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        while (!arrivals.Any(a => a.Task == "Do step two"))
        {
            await Task.Delay(20);
        }

        first.Kill();
        var killedAt = DateTime.UtcNow;
        await first.WaitForExitAsync();
        release.SetResult();
        var (second, secondApi) = await StartServeAsync(settings);
        var restartedAt = DateTime.UtcNow;
        using var again = new HttpClient { BaseAddress = secondApi };
        while (true)
        {
            var run = await again.GetFromJsonAsync<JsonElement>("runs/recovered");
            if (run.GetProperty("status").GetString() is not ("Pending" or "Running"))
            {
                break;
            }

            await Task.Delay(100);
        }

        var completedAt = DateTime.UtcNow;
        second.Kill();
        var calls = arrivals.ToList();
        var redelivered = calls.Where(c => c.Task == "Do step two").Skip(1).Select(c => c.At).FirstOrDefault();
        Console.WriteLine("recovery: serve on Azurite with the default engine settings, SIGKILL during a model call, restarted at once");
        Console.WriteLine("| visibility timeout s | restart s | call made again after kill s | run completed after kill s | step one calls |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {new Cli.Engine.EngineOptions().VisibilityTimeoutSeconds} | {(restartedAt - killedAt).TotalSeconds:0.0} | {(redelivered - killedAt).TotalSeconds:0.0} | {(completedAt - killedAt).TotalSeconds:0.0} | {calls.Count(c => c.Task == "Do step one")} |"));
        if (calls.Count(c => c.Task == "Do step one") != 1)
        {
            throw new InvalidOperationException("a finished model call was made again");
        }
    }

    /// <summary>A <c>durablecrews serve</c> child process: its API, the worker id it works as, and what it wrote to stderr.</summary>
    internal sealed record ServeChild(Process Process, Uri Api, string? WorkerId, StringBuilder Stderr)
    {
        public string Errors
        {
            get
            {
                lock (Stderr)
                {
                    return Stderr.ToString();
                }
            }
        }
    }

    static async Task<(Process Process, Uri Api)> StartServeAsync(IDictionary<string, string> settings)
    {
        var child = await StartServeChildAsync(settings);
        return (child.Process, child.Api);
    }

    internal static async Task<ServeChild> StartServeChildAsync(IDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "DurableCrews.Cli.dll"), "serve", "--port", "0" })
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        var listening = new TaskCompletionSource<(Uri, string?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } text && Listening().Match(text) is { Success: true } match)
            {
                listening.TrySetResult((new Uri(match.Groups[1].Value + "/"), Worker().Match(text) is { Success: true } worker ? worker.Groups[1].Value : null));
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
        var (api, workerId) = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return new ServeChild(process, api, workerId, stderr);
    }

    /// <summary>An OpenAI-compatible model on loopback that records each call's task; step two's first call waits until released.</summary>
    static Task<WebApplication> StartModelAsync(ConcurrentQueue<(string Task, DateTime At)> arrivals, Task release) =>
        StartModelAsync(arrivals, (task, first) => task == "Do step two" && first ? release : Task.CompletedTask);

    /// <summary>An OpenAI-compatible model on loopback that records each call's task (when it arrived) and answers after <paramref name="delay"/> (the task, whether it is its first call).</summary>
    internal static async Task<WebApplication> StartModelAsync(ConcurrentQueue<(string Task, DateTime At)> arrivals, Func<string, bool, Task> delay)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(async context =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            string task = body.RootElement.GetProperty("messages").EnumerateArray()
                .Select(m => m.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : string.Empty)
                .FirstOrDefault(t => t.StartsWith("Current Task: ", StringComparison.Ordinal))?.Split('\n')[0]["Current Task: ".Length..] ?? string.Empty;
            bool first = !arrivals.Any(a => a.Task == task);
            arrivals.Enqueue((task, DateTime.UtcNow));
            await delay(task, first);

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new
            {
                id = "c",
                @object = "chat.completion",
                created = 1,
                model = "stub",
                choices = new[] { new { index = 0, finish_reason = "stop", message = new { role = "assistant", content = $"done: {task}" } } },
                usage = new { prompt_tokens = 10, completion_tokens = 5, total_tokens = 15 },
            }));
        });
        await app.StartAsync();
        return app;
    }

    [GeneratedRegex(@"serving (http://[^ ]+/api)")]
    private static partial Regex Listening();

    [GeneratedRegex(@"as worker '([^']+)'")]
    private static partial Regex Worker();
}
