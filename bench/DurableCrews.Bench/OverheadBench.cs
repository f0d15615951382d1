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
/// <para>
/// Each run is timed twice: until the engine recorded its end (the instance's last update, on the same clock as the
/// start), and until the caller polling every 5 ms saw it. A 10-task run in memory lasts a few poll intervals, so the
/// second is rounded to whole polls, which both sides pay alike: the ratio is taken on the first. Before measuring, the
/// engine runs both sides until the JIT has promoted the hot paths (hundreds of runs in memory: times drop by half to
/// two thirds over the first 200), as in a server that has been running; on Azurite, 40 (see below).
/// </para>
/// <para>
/// The same crew with CrewAI's default context (each task is given every earlier task's output) is timed too: its
/// task n reads n-1 outputs before it asks the model. And the plain crew once more with its blobs kept in the process
/// (<see cref="SwitchableBlobStore"/>): the engine and the framework without their storage round trips, which bounds
/// what any store could save.
/// </para>
/// </summary>
internal static class OverheadBench
{
    const int Tasks = 10;

    /// <summary>One run's duration: until the engine recorded its end, and until a caller polling every 5 ms saw it.</summary>
    internal readonly record struct RunTime(double RecordedMs, double SeenMs);

    public static async Task RunAsync(string[] args)
    {
        Console.WriteLine($"framework overhead: {Tasks}-task sequential crew (offline model, no latency) vs a bare orchestration calling a no-op activity {Tasks} times; medians, ms per task (per activity) until the engine recorded the end, and as a caller polling every 5 ms saw it");
        Console.WriteLine("| engine | warm-up runs | crew ms per task | bare ms per activity | ratio | seen: crew | seen: bare | seen: ratio | activities per task | orchestration steps per task | blob reads per task | blob writes per task | with default context: ms per task | blobs in process memory: ms per task | blobs in process memory: ratio |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");

        // Fewer on Azurite: its in-memory tables slow down as runs pile up (past a few hundred runs its partition table
        // answers take over 2 s and the provider's leases start to lapse), which would measure Azurite, not the engine.
        await BenchEngines.OnEnginesAsync(args, (name, storage) => storage is null
            ? MeasureAsync(name, null, warmUps: 300, repeats: 21)
            : MeasureAsync(name, storage, warmUps: 40, repeats: 9));
    }

    static async Task MeasureAsync(string name, string? storage, int warmUps, int repeats)
    {
        CountingBlobStore? blobs = null;
        SwitchableBlobStore? switchable = null;
        await using var engine = await BenchEngines.StartAsync(storage, services => services.AddSingleton<Storage.IBlobStore>(sp =>
            blobs = new CountingBlobStore(switchable = new SwitchableBlobStore(Storage.StorageServiceCollectionExtensions.CreateBlobStore(
                sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Storage.StorageOptions>>().Value)))));

        // The same crew on the same engine with its blobs kept in this process: what a task costs apart from storage.
        async Task<RunTime> CrewWithoutStorageAsync(CrewDefinition crew)
        {
            switchable!.InMemory = true;
            try
            {
                return await CrewOnceAsync(engine, crew);
            }
            finally
            {
                switchable.InMemory = false;
            }
        }

        var builder = new CrewDefinition
        {
            Name = "overhead",
            Agents = [new AgentDefinition { Name = "a", Role = "Worker", Goal = "g", Backstory = "b" }],
            Tasks = Enumerable.Range(1, Tasks).Select(i => new TaskDefinition { Name = $"t{i}", Description = $"Do part {i}", ExpectedOutput = "done", Agent = "a", Context = [] }).ToList(),
        };

        // DURABLECREWS_BENCH_WARMUPS overrides the number of warm-up runs of each side.
        if (int.TryParse(Environment.GetEnvironmentVariable("DURABLECREWS_BENCH_WARMUPS"), CultureInfo.InvariantCulture, out int runs))
        {
            warmUps = runs;
        }

        var withContext = builder with { Name = "overhead-context", Tasks = builder.Tasks.Select(t => t with { Context = null }).ToList() };
        for (int i = 0; i < warmUps; i++)
        {
            await CrewOnceAsync(engine, builder);
            await BareOnceAsync(engine);
            if (i % 10 == 0)
            {
                await CrewOnceAsync(engine, withContext);
                await CrewWithoutStorageAsync(builder);
            }
        }

        var crew = new List<RunTime>();
        var bare = new List<RunTime>();
        var context = new List<RunTime>();
        var withoutStorage = new List<RunTime>();
        for (int i = 0; i < repeats; i++)
        {
            crew.Add(await CrewOnceAsync(engine, builder));
            bare.Add(await BareOnceAsync(engine));
            context.Add(await CrewOnceAsync(engine, withContext));
            withoutStorage.Add(await CrewWithoutStorageAsync(builder));
        }

        double perTask = BenchApp.Median(crew.Select(t => t.RecordedMs).ToList()) / Tasks;
        double perActivity = BenchApp.Median(bare.Select(t => t.RecordedMs).ToList()) / Tasks;
        double seenPerTask = BenchApp.Median(crew.Select(t => t.SeenMs).ToList()) / Tasks;
        double seenPerActivity = BenchApp.Median(bare.Select(t => t.SeenMs).ToList()) / Tasks;
        double contextPerTask = BenchApp.Median(context.Select(t => t.RecordedMs).ToList()) / Tasks;
        double withoutStoragePerTask = BenchApp.Median(withoutStorage.Select(t => t.RecordedMs).ToList()) / Tasks;

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
            $"| {name} | {warmUps} | {perTask:0.00} | {perActivity:0.00} | {perTask / perActivity:0.0}x | {seenPerTask:0.00} | {seenPerActivity:0.00} | {seenPerTask / seenPerActivity:0.0}x | {Per(activitiesAfter, activitiesBefore):0.0} | {Per(stepsAfter, stepsBefore):0.0} | {Per(readsAfter, readsBefore):0.0} | {Per(writesAfter, writesBefore):0.0} | {contextPerTask:0.00} | {withoutStoragePerTask:0.00} | {withoutStoragePerTask / perActivity:0.0}x |"));
    }

    internal static async Task<RunTime> CrewOnceAsync(CrewEngine engine, CrewDefinition crew)
    {
        var clock = Stopwatch.StartNew();
        var startedAt = DateTimeOffset.UtcNow;
        string runId = await engine.Runs.KickoffAsync(crew, new KickoffRequest());

        // A run that does not end within a minute is reported, not waited for forever.
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        Api.RunView view;
        try
        {
            view = await engine.Runs.WaitAsync(runId, pollInterval: TimeSpan.FromMilliseconds(5), cancellationToken: limit.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            var stuck = await engine.Runs.GetAsync(runId);
            throw new TimeoutException($"{runId} did not end within a minute: {stuck?.Status}, progress {System.Text.Json.JsonSerializer.Serialize(stuck?.Progress)}");
        }

        double seen = clock.Elapsed.TotalMilliseconds;
        return view.Status == Runs.CrewRunStatus.Completed && view.LastUpdatedAt is { } ended
            ? new RunTime((ended - startedAt).TotalMilliseconds, seen)
            : throw new InvalidOperationException($"{runId}: {view.Error}");
    }

    internal static async Task<RunTime> BareOnceAsync(CrewEngine engine, int activities = Tasks)
    {
        var clock = Stopwatch.StartNew();
        var startedAt = DateTimeOffset.UtcNow;
        string id = await engine.Client.ScheduleNewOrchestrationInstanceAsync(BenchEngines.BareOrchestration, activities);

        // Polled like the crew run (CrewRunService.WaitAsync), so both sides pay the same for noticing the end.
        while (await engine.Client.GetInstanceAsync(id) is not { IsCompleted: true })
        {
            await Task.Delay(5);
        }

        double seen = clock.Elapsed.TotalMilliseconds;
        var instance = (await engine.Client.GetInstanceAsync(id))!;
        return instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed
            ? new RunTime((instance.LastUpdatedAt - startedAt).TotalMilliseconds, seen)
            : throw new InvalidOperationException(id);
    }
}
