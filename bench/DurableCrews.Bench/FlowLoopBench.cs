using System.Globalization;
using DurableCrews.Api;
using DurableCrews.Cli.Engine;
using DurableCrews.Definitions;
using Microsoft.Extensions.DependencyInjection;

namespace DurableCrews.Bench;

/// <summary>
/// What one iteration of a flow's loop costs beyond the crew run it makes: a flow whose one step (a one-task crew on
/// the offline model, no latency) loops 10 times through its own router, against the same one-task crew run alone, and
/// a bare orchestration calling a no-op activity, on the same engine. An iteration is its crew run, which from
/// orchestration version 4 runs in the flow's own orchestration instead of as a sub-orchestration, and the step's finish
/// (set and router, state.json, the next iteration begun), which from version 5 the activity completing the crew run
/// does instead of an activity of its own; the overhead is the
/// iteration's median time less the crew run's, set against the bare activity's round trip. A second table counts,
/// on one flow run and one crew run of their own, what an iteration costs beyond its crew run in activities,
/// orchestration steps (episodes) and blob reads and writes.
/// </summary>
internal static class FlowLoopBench
{
    const int Iterations = 10;

    const string Loop = """
        state: { round: 0 }
        steps:
          work:
            crew: work
            start: true
            listen: again
            max_iterations: 10
            inputs: { round: "{state.round}" }
            set: { round: state.round + 1 }
            router:
              - when: state.round < 10
                emit: again
              - emit: done
          wrap_up: { crew: work, listen: done, inputs: { round: last } }
        """;

    public static async Task RunAsync(string[] args)
    {
        var counts = new List<string>();
        Console.WriteLine($"flow loop: a {Iterations}-iteration loop flow (one-task crew per iteration, offline model, no latency) vs the one-task crew alone vs a bare activity; medians, ms");
        Console.WriteLine("| engine | iteration | one-task crew run | iteration overhead beyond the crew | bare activity | overhead / bare activity |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        await BenchEngines.OnEnginesAsync(args, (name, storage) => storage is null
            ? MeasureAsync(name, null, warmUps: 30, repeats: 9, counts)
            : MeasureAsync(name, storage, warmUps: 3, repeats: 5, counts));
        Console.WriteLine();
        Console.WriteLine("what an iteration costs beyond its crew run, counted on one flow run and one crew run");
        Console.WriteLine("| engine | activities | orchestration steps | blob reads | blob writes |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        counts.ForEach(Console.WriteLine);
    }

    static async Task MeasureAsync(string name, string? storage, int warmUps, int repeats, List<string> counts)
    {
        CountingBlobStore? blobs = null;
        await using var engine = await BenchEngines.StartAsync(storage, services => services.AddSingleton<Storage.IBlobStore>(sp =>
            blobs = new CountingBlobStore(Storage.StorageServiceCollectionExtensions.CreateBlobStore(
                sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Storage.StorageOptions>>().Value))));
        var crew = new CrewDefinition
        {
            Name = "work",
            Agents = [new AgentDefinition { Name = "a", Role = "Worker", Goal = "g", Backstory = "b" }],
            Tasks = [new TaskDefinition { Name = "round_task", Description = "Do round {round}", ExpectedOutput = "done", Agent = "a" }],
        };
        var loaded = FlowDefinitionLoader.Parse(Loop, "loop", "loop.yaml", n => n == "work" ? new CrewLoadResult { Definition = crew } : null);
        var flow = loaded.Definition ?? throw new InvalidOperationException(string.Join("; ", loaded.Problems.Select(p => $"{p.Path}: {p.Message}")));
        for (int i = 0; i < warmUps; i++)
        {
            await FlowOnceAsync(engine, flow);
            await OverheadBench.CrewOnceAsync(engine, crew with { Tasks = [crew.Tasks[0] with { Description = "Do round 0" }] });
            await OverheadBench.BareOnceAsync(engine, 1);
        }

        var flows = new List<double>();
        var crews = new List<double>();
        var bare = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            flows.Add(await FlowOnceAsync(engine, flow));
            crews.Add((await OverheadBench.CrewOnceAsync(engine, crew with { Tasks = [crew.Tasks[0] with { Description = "Do round 0" }] })).RecordedMs);
            bare.Add((await OverheadBench.BareOnceAsync(engine, Iterations)).RecordedMs / Iterations);
        }

        // The flow makes 11 crew runs (10 iterations and the wrap-up) and starts and completes once.
        double iteration = BenchApp.Median(flows) / (Iterations + 1);
        double crewRun = BenchApp.Median(crews);
        double activity = BenchApp.Median(bare);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {iteration:0.0} | {crewRun:0.0} | {iteration - crewRun:0.0} | {activity:0.0} | {(iteration - crewRun) / activity:0.0}x |"));

        var flowCost = await CountAsync(engine, blobs!, () => FlowOnceAsync(engine, flow));
        var crewCost = await CountAsync(engine, blobs!, () => OverheadBench.CrewOnceAsync(engine, crew with { Tasks = [crew.Tasks[0] with { Description = "Do round 0" }] }));
        double Beyond(int flowCount, int crewCount) => (flowCount / (double)(Iterations + 1)) - crewCount;
        counts.Add(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {Beyond(flowCost.Activities, crewCost.Activities):0.0} | {Beyond(flowCost.Steps, crewCost.Steps):0.0} | {Beyond(flowCost.Reads, crewCost.Reads):0.0} | {Beyond(flowCost.Writes, crewCost.Writes):0.0} |"));
    }

    /// <summary>What <paramref name="run"/> made the engine and the store do, everything settled before and after.</summary>
    internal static async Task<(int Activities, int Steps, int Reads, int Writes)> CountAsync(CrewEngine engine, CountingBlobStore blobs, Func<Task> run)
    {
        await Task.Delay(500);
        var (activitiesBefore, stepsBefore) = engine.WorkDone;
        var (readsBefore, writesBefore, _) = blobs.Counts;
        await run();
        await Task.Delay(500);
        var (activitiesAfter, stepsAfter) = engine.WorkDone;
        var (readsAfter, writesAfter, _) = blobs.Counts;
        return (activitiesAfter - activitiesBefore, stepsAfter - stepsBefore, readsAfter - readsBefore, writesAfter - writesBefore);
    }

    static async Task<double> FlowOnceAsync(CrewEngine engine, FlowDefinition flow)
    {
        var startedAt = DateTimeOffset.UtcNow;
        string runId = await engine.Services.GetRequiredService<FlowRunService>().KickoffAsync(flow, new KickoffRequest());
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var view = await engine.Runs.WaitAsync(runId, pollInterval: TimeSpan.FromMilliseconds(5), cancellationToken: limit.Token);
        return view.Status == Runs.CrewRunStatus.Completed && view.LastUpdatedAt is { } ended
            ? (ended - startedAt).TotalMilliseconds
            : throw new InvalidOperationException($"{runId}: {view.Error}");
    }
}
