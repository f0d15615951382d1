using System.Diagnostics;
using System.Globalization;
using DurableCrews.Api;
using DurableCrews.Cli.Engine;
using DurableCrews.Definitions;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace DurableCrews.Bench;

/// <summary>
/// Framework overhead per agent task: a sequential crew of N tasks on the offline model with no latency, against a bare
/// orchestration that calls a no-op activity N times, on the same engine. Each agent task is one activity of the run's
/// orchestration (begin, the model turn and finish folded into it) plus its blob reads and writes; the ratio says what that costs over
/// the engine's own round trip, and it counts, on one run of its own, what each task costs: activities and orchestration
/// steps completed, blob reads and writes (the run's start and completion included, spread over its tasks). Measured on
/// the in-memory engine and on Azurite.
/// </summary>
internal static class OverheadBench
{
    const int Tasks = 10;
    const int Repeats = 7;
    const int WarmUps = 10;

    public static async Task RunAsync(string[] args)
    {
        Console.WriteLine($"framework overhead: {Tasks}-task sequential crew (offline model, no latency) vs a bare orchestration calling a no-op activity {Tasks} times; median of {Repeats}");
        Console.WriteLine("| engine | crew ms per task | bare ms per activity | ratio | activities per task | orchestration steps per task | blob reads per task | blob writes per task |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        string only = args.Length > 0 ? args[0] : "both";
        if (only is "both" or "in-memory")
        {
            await MeasureAsync("in-memory", null);
        }

        if (only is "both" or "azurite")
        {
            using var azurite = await BenchAzurite.StartAsync();
            await MeasureAsync("Azurite (Azure Storage provider)", azurite.ConnectionString);
        }
    }

    static async Task MeasureAsync(string name, string? storage)
    {
        CountingBlobStore? blobs = null;
        await using var engine = await BenchEngines.StartAsync(storage, services => services.AddSingleton<Storage.IBlobStore>(sp =>
            blobs = new CountingBlobStore(Configuration.DurableCrewsServiceCollectionExtensions.CreateBlobStore(
                sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Storage.StorageOptions>>().Value))));
        var builder = new CrewDefinition
        {
            Name = "overhead",
            Agents = [new AgentDefinition { Name = "a", Role = "Worker", Goal = "g", Backstory = "b" }],
            Tasks = Enumerable.Range(1, Tasks).Select(i => new TaskDefinition { Name = $"t{i}", Description = $"Do part {i}", ExpectedOutput = "done", Agent = "a", Context = [] }).ToList(),
        };
        // Warm up until the hot paths are past the JIT's first tiers (30 calls each), as in a server that has been running.
        for (int i = 0; i < WarmUps; i++)
        {
            await CrewOnceAsync(engine, builder);
            await BareOnceAsync(engine);
        }

        var crew = new List<double>();
        var bare = new List<double>();
        for (int i = 0; i < Repeats; i++)
        {
            crew.Add(await CrewOnceAsync(engine, builder));
            bare.Add(await BareOnceAsync(engine));
        }

        double perTask = BenchApp.Median(crew) / Tasks;
        double perActivity = BenchApp.Median(bare) / Tasks;

        // What one crew run costs, counted on a run of its own (everything settled before and after).
        await Task.Delay(500);
        var (activitiesBefore, stepsBefore) = engine.WorkDone;
        var (readsBefore, writesBefore, _) = blobs!.Counts;
        await CrewOnceAsync(engine, builder);
        await Task.Delay(500);
        var (activitiesAfter, stepsAfter) = engine.WorkDone;
        var (readsAfter, writesAfter, _) = blobs.Counts;
        double Per(int after, int before) => (after - before) / (double)Tasks;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {perTask:0.0} | {perActivity:0.0} | {perTask / perActivity:0.0}x | {Per(activitiesAfter, activitiesBefore):0.0} | {Per(stepsAfter, stepsBefore):0.0} | {Per(readsAfter, readsBefore):0.0} | {Per(writesAfter, writesBefore):0.0} |"));
    }

    internal static async Task<double> CrewOnceAsync(CrewEngine engine, CrewDefinition crew)
    {
        var clock = Stopwatch.StartNew();
        string runId = await engine.Runs.KickoffAsync(crew, new KickoffRequest());
        var view = await engine.Runs.WaitAsync(runId, pollInterval: TimeSpan.FromMilliseconds(5));
        return view.Status == Runs.CrewRunStatus.Completed ? clock.Elapsed.TotalMilliseconds : throw new InvalidOperationException($"{runId}: {view.Error}");
    }

    internal static async Task<double> BareOnceAsync(CrewEngine engine, int activities = Tasks)
    {
        var clock = Stopwatch.StartNew();
        string id = await engine.Client.ScheduleNewOrchestrationInstanceAsync(BenchEngines.BareOrchestration, activities);

        // Polled like the crew run (CrewRunService.WaitAsync), so both sides pay the same for noticing the end.
        while (await engine.Client.GetInstanceAsync(id) is not { IsCompleted: true })
        {
            await Task.Delay(5);
        }

        return (await engine.Client.GetInstanceAsync(id))!.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? clock.Elapsed.TotalMilliseconds : throw new InvalidOperationException(id);
    }
}
