using System.Diagnostics;
using System.Globalization;
using DurableCrews.Api;
using DurableCrews.Definitions;
using DurableCrews.Runs;

namespace DurableCrews.Bench;

/// <summary>
/// Load: 100 runs of a two-task crew started at once on the offline model, on Azurite (the Azure Storage provider);
/// checks that every run completes with both task outputs, none lost or duplicated, and prints runs per minute.
/// </summary>
internal static class LoadBench
{
    public static async Task RunAsync(string[] args)
    {
        int runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100;
        using var azurite = await BenchAzurite.StartAsync();
        await using var engine = await BenchEngines.StartAsync(azurite.ConnectionString);
        var crew = new CrewDefinition
        {
            Name = "load",
            Agents = [new AgentDefinition { Name = "a", Role = "Worker", Goal = "g", Backstory = "b" }],
            Tasks =
            [
                new TaskDefinition { Name = "first", Description = "Do the first part", ExpectedOutput = "done", Agent = "a" },
                new TaskDefinition { Name = "second", Description = "Do the second part", ExpectedOutput = "done", Agent = "a" },
            ],
        };

        var clock = Stopwatch.StartNew();
        var ids = await Task.WhenAll(Enumerable.Range(1, runs).Select(i => engine.Runs.KickoffAsync(crew, new KickoffRequest { RunId = $"load-{i:000}" })));
        var views = await Task.WhenAll(ids.Select(id => engine.Runs.WaitAsync(id, pollInterval: TimeSpan.FromMilliseconds(250))));
        double minutes = clock.Elapsed.TotalMinutes;

        int completed = views.Count(v => v.Status == CrewRunStatus.Completed && v.Output!.TasksOutput.Count == 2);
        int distinct = views.Select(v => v.RunId).Distinct().Count();
        int modelCalls = views.Sum(v => v.Output?.TokenUsage.SuccessfulRequests ?? 0);
        Console.WriteLine($"load: {runs} runs of a 2-task crew started at once, offline model, Azurite (Azure Storage provider)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| runs | completed | distinct | model calls | wall s | runs per minute |"));
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {runs} | {completed} | {distinct} | {modelCalls} | {minutes * 60:0.0} | {runs / minutes:0} |"));
        if (completed != runs || distinct != runs || modelCalls != 2 * runs)
        {
            throw new InvalidOperationException($"lost or duplicated work: {completed} completed, {distinct} distinct, {modelCalls} model calls for {runs} runs.");
        }
    }
}
