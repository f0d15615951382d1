using System.Diagnostics;
using System.Globalization;
using DurableCrews.Api;
using DurableCrews.Definitions;

namespace DurableCrews.Bench;

/// <summary>
/// Idle to busy on the Azure Storage provider: the engine sits idle long enough for its queue polling to back off to
/// its longest interval, then one single-task run is started from the same process; prints how long it took to
/// complete against the same run on a busy engine, with the engine's 1 s polling cap and with the provider's 30 s default.
/// </summary>
internal static class IdleStartBench
{
    public static async Task RunAsync(string[] args)
    {
        int idleSeconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 40;
        using var azurite = await BenchAzurite.StartAsync();
        Console.WriteLine($"idle to busy: one single-task run on Azurite (Azure Storage provider) after {idleSeconds} s idle, then again at once");
        Console.WriteLine("| MaxQueuePollingIntervalMs | after idle ms | busy ms |");
        Console.WriteLine("| ---: | ---: | ---: |");
        foreach (int polling in new[] { 1000, 30_000 })
        {
            await MeasureAsync(azurite.ConnectionString, polling, idleSeconds);
        }
    }

    static async Task MeasureAsync(string storage, int pollingMs, int idleSeconds)
    {
        await using var engine = await BenchEngines.StartAsync(storage, settings: new Dictionary<string, string?> { ["DurableCrews:Engine:MaxQueuePollingIntervalMs"] = pollingMs.ToString(CultureInfo.InvariantCulture) });
        var crew = new CrewDefinition
        {
            Name = "idle",
            Agents = [new AgentDefinition { Name = "a", Role = "Worker", Goal = "g", Backstory = "b" }],
            Tasks = [new TaskDefinition { Name = "t", Description = "Do it", ExpectedOutput = "done", Agent = "a" }],
        };

        await RunOnceAsync(engine, crew);
        await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
        double afterIdle = await RunOnceAsync(engine, crew);
        double busy = await RunOnceAsync(engine, crew);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {pollingMs} | {afterIdle:0} | {busy:0} |"));
    }

    static async Task<double> RunOnceAsync(Cli.Engine.CrewEngine engine, CrewDefinition crew)
    {
        var clock = Stopwatch.StartNew();
        string runId = await engine.Runs.KickoffAsync(crew, new KickoffRequest());
        var view = await engine.Runs.WaitAsync(runId, pollInterval: TimeSpan.FromMilliseconds(10));
        return view.Status == Runs.CrewRunStatus.Completed ? clock.Elapsed.TotalMilliseconds : throw new InvalidOperationException($"{runId}: {view.Error}");
    }
}
