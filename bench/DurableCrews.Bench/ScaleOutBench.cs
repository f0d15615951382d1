using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace DurableCrews.Bench;

/// <summary>
/// Scale-out on one machine: three <c>durablecrews serve</c> processes on one Azurite task hub (worker ids chosen for
/// them), 60 two-task runs started across them against a model stub answering in 250 ms, one process killed with SIGKILL
/// once a third of the runs have completed. Prints when all completed, runs per minute, model calls made against the
/// 120 needed (the extra ones were in flight at the kill), and the work each surviving process reports.
/// </summary>
internal static partial class ScaleOutBench
{
    const int Runs = 60;

    public static async Task RunAsync(string[] args)
    {
        using var azurite = await BenchAzurite.StartAsync();
        var arrivals = new ConcurrentQueue<(string Task, DateTime At)>();
        await using var model = await RecoveryBench.StartModelAsync(arrivals, (_, _) => Task.Delay(250));
        var settings = ServeSettings(azurite, model, "scaleout");

        var serves = new List<RecoveryBench.ServeChild>();
        for (int i = 0; i < 3; i++)
        {
            serves.Add(await RecoveryBench.StartServeChildAsync(settings));
        }

        var clients = serves.Select(s => new HttpClient { BaseAddress = s.Api }).ToList();
        (await clients[0].PutAsync("crews/scaleout", new StringContent(TwoTaskCrew, Encoding.UTF8, "application/yaml"))).EnsureSuccessStatusCode();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Runs; i++)
        {
            (await clients[i % 3].PostAsync("crews/scaleout/kickoff", new StringContent($$$"""{"run_id":"so-{{{i}}}","inputs":{"ticket":"T{{{i}}}"}}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        }

        double kickedOff = clock.Elapsed.TotalSeconds;
        while (await CompletedAsync(clients[0]) < Runs / 3)
        {
            await Task.Delay(100);
        }

        serves[2].Process.Kill();
        double killedAt = clock.Elapsed.TotalSeconds;
        while (await CompletedAsync(clients[0]) < Runs)
        {
            await Task.Delay(100);
        }

        double done = clock.Elapsed.TotalSeconds;
        var work = new List<string>();
        foreach (var serve in serves.Take(2))
        {
            using var kill = Process.Start("kill", ["-TERM", serve.Process.Id.ToString(CultureInfo.InvariantCulture)]);
            await serve.Process.WaitForExitAsync();
            var line = WorkDone().Match(serve.Errors);
            work.Add(line.Success ? $"{line.Groups[1].Value}: {line.Groups[2].Value} activities, {line.Groups[3].Value} steps" : $"{serve.WorkerId}: ?");
        }

        work.Add($"{serves[2].WorkerId}: killed");
        int calls = arrivals.Count;
        Console.WriteLine($"scale-out: 3 serve processes on one Azurite task hub, {Runs} two-task runs started across them (model 250 ms), one killed with SIGKILL after {Runs / 3} completed");
        Console.WriteLine("| kickoffs s | kill at s | all completed s | runs/min | model calls (120 needed) | work per worker |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | --- |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {kickedOff:0.0} | {killedAt:0.0} | {done:0.0} | {Runs / done * 60:0} | {calls} | {string.Join("; ", work)} |"));
    }

    /// <summary>The two-task crew the Azure Storage benchmarks upload and start.</summary>
    internal const string TwoTaskCrew = "agents:\n  w: { role: Worker, goal: Work, backstory: Steady }\ntasks:\n  one: { description: 'Do step one of {ticket}', expected_output: done, agent: w }\n  two: { description: 'Do step two of {ticket}', expected_output: done, agent: w }\n";

    /// <summary>The settings of a <c>serve</c> child on Azurite (a task hub of its own) against the model stub.</summary>
    internal static Dictionary<string, string> ServeSettings(BenchAzurite azurite, Microsoft.AspNetCore.Builder.WebApplication model, string hubPrefix) => new()
    {
        ["DurableCrews__Storage__ConnectionString"] = azurite.ConnectionString,
        ["DurableCrews__Engine__TaskHub"] = $"{hubPrefix}{Guid.NewGuid():N}"[..20],
        ["DurableCrews__Model__Provider"] = "openai-compatible",
        ["DurableCrews__Model__Endpoint"] = $"{model.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()}/v1/",
        ["DurableCrews__Model__Name"] = "stub",
    };

    static async Task<int> CompletedAsync(HttpClient client)
    {
        var page = await client.GetFromJsonAsync<JsonElement>("runs?crew=scaleout&status=Completed&page_size=100");
        return page.GetProperty("runs").GetArrayLength();
    }

    [GeneratedRegex(@"worker '([^']+)' completed (\d+) activities and (\d+) orchestration steps")]
    private static partial Regex WorkDone();
}
