using System.Diagnostics;
using System.Globalization;
using DurableCrews.Api;
using DurableCrews.Cli.Engine;
using DurableCrews.Definitions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace DurableCrews.Bench;

/// <summary>
/// A crew's <c>for_each</c> against its ideal makespan: an explore task lists 100 items, a task runs once per item with
/// <c>max_parallel: 16</c>, and a summary reads them all; every model call takes L = 500 ms. The ideal is the explore
/// turn, ⌈100 / 16⌉ waves of items and the summary turn: (2 + 7) L. Prints the median makespan and its ratio to the ideal,
/// then what one run made the engine and the store do, per item (the whole run's counts over its 100 items), then where
/// the makespan goes (each phase's median over the timed runs, from the tasks' stored start and finish times).
/// </summary>
internal static class ForEachBench
{
    const int Items = 100;
    const int MaxParallel = 16;
    const int Runs = 3;
    static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(500);

    const string Crew = """
        name: fan-out
        agents:
          explorer: { role: Explorer, goal: Find what to look at, backstory: b }
          analyst: { role: Analyst, goal: Look at one thing, backstory: b }
        tasks:
          explore:
            description: Explore and list the sources
            expected_output: The sources as JSON
            agent: explorer
            output_json:
              type: object
              properties:
                sources: { type: array, items: { type: object, properties: { title: { type: string } } } }
          profile:
            description: "Profile source {item_index}: {item.title}"
            expected_output: A profile
            agent: analyst
            for_each: explore.sources
            max_parallel: 16
          summary:
            description: Summarise the profiles
            expected_output: A summary
            agent: explorer
            context: [profile]
        """;

    public static async Task RunAsync(string[] args)
    {
        double ideal = (2 + Math.Ceiling(Items / (double)MaxParallel)) * Latency.TotalMilliseconds;
        Console.WriteLine($"for_each: {Items} items, max_parallel {MaxParallel}, model latency L = {Latency.TotalMilliseconds:0} ms, {Runs} runs (median); ideal = explore + ⌈{Items}/{MaxParallel}⌉ waves + summary = {ideal:0} ms");
        Console.WriteLine("| engine | makespan ms | ideal ms | makespan / ideal | model calls per run |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        var loaded = CrewDefinitionLoader.Parse(Crew, "fan-out");
        var crew = loaded.Definition ?? throw new InvalidOperationException(string.Join("; ", loaded.Problems.Select(p => $"{p.Path}: {p.Message}")));
        var counts = new List<string>();
        var phases = new List<string>();
        await BenchEngines.OnEnginesAsync(args, async (name, storage) =>
        {
            var model = new ListingModel(Latency);
            CountingBlobStore? blobs = null;
            await using var engine = await BenchEngines.StartAsync(storage, services => services
                .AddSingleton<DurableCrews.Models.IChatClientProvider>(model)
                .AddSingleton<Storage.IBlobStore>(sp => blobs = new CountingBlobStore(Storage.StorageServiceCollectionExtensions.CreateBlobStore(
                    sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Storage.StorageOptions>>().Value))));
            await RunOnceAsync(engine, crew);
            var timed = new List<(double Makespan, double[] Phases)>();
            int callsBefore = model.Calls;
            for (int i = 0; i < Runs; i++)
            {
                timed.Add(await TimeOnceAsync(engine, crew));
            }

            double median = BenchApp.Median(timed.Select(t => t.Makespan).ToList());
            phases.Add(string.Create(CultureInfo.InvariantCulture, $"| {name} | {string.Join(" | ", Enumerable.Range(0, PhaseNames.Length).Select(p => $"{BenchApp.Median(timed.Select(t => t.Phases[p]).ToList()):0}"))} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {median:0} | {ideal:0} | {median / ideal:0.00} | {(model.Calls - callsBefore) / (double)Runs:0} |"));
            var (activities, steps, reads, writes) = await FlowLoopBench.CountAsync(engine, blobs!, () => RunOnceAsync(engine, crew));
            counts.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {activities / (double)Items:0.00} | {steps / (double)Items:0.00} | {reads / (double)Items:0.00} | {writes / (double)Items:0.00} |"));
        });
        Console.WriteLine();
        Console.WriteLine($"what one run costs per item (the whole run, explore and summary included, over its {Items} items)");
        Console.WriteLine("| engine | activities | orchestration steps | blob reads | blob writes |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        counts.ForEach(Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine($"where the makespan goes, ms (median of each phase; the items' ideal is {Math.Ceiling(Items / (double)MaxParallel) * Latency.TotalMilliseconds:0})");
        Console.WriteLine($"| engine | {string.Join(" | ", PhaseNames)} |");
        Console.WriteLine($"| --- |{string.Concat(PhaseNames.Select(_ => " ---: |"))}");
        phases.ForEach(Console.WriteLine);
    }

    static readonly string[] PhaseNames = ["kickoff → explore begins", "explore", "explore → first item begins", "items", "last item → summary begins", "summary", "summary → run seen ended"];

    static async Task<double> RunOnceAsync(CrewEngine engine, CrewDefinition crew) => (await TimeOnceAsync(engine, crew)).Makespan;

    /// <summary>One run's makespan, and its phases (<see cref="PhaseNames"/>) from its tasks' start and finish times.</summary>
    static async Task<(double Makespan, double[] Phases)> TimeOnceAsync(CrewEngine engine, CrewDefinition crew)
    {
        var clock = Stopwatch.StartNew();
        var kicked = DateTimeOffset.UtcNow;
        string runId = await engine.Runs.KickoffAsync(crew, new KickoffRequest());
        var view = await engine.Runs.WaitAsync(runId, pollInterval: TimeSpan.FromMilliseconds(10));
        double makespan = clock.Elapsed.TotalMilliseconds;
        var seen = DateTimeOffset.UtcNow;
        if (view.Status != DurableCrews.Runs.CrewRunStatus.Completed || view.Output!.TasksOutput.Count != Items + 2)
        {
            throw new InvalidOperationException($"Run {runId} ended {view.Status} with {view.Output?.TasksOutput.Count} task outputs: {view.Error}");
        }

        var (explore, items, summary) = (view.Output.TasksOutput[0], view.Output.TasksOutput.Skip(1).Take(Items).ToList(), view.Output.TasksOutput[^1]);
        var (firstItem, lastItem) = (items.Min(i => i.StartedAt), items.Max(i => i.FinishedAt));
        DateTimeOffset[] marks = [kicked, explore.StartedAt, explore.FinishedAt, firstItem, lastItem, summary.StartedAt, summary.FinishedAt, seen];
        return (makespan, marks.Zip(marks.Skip(1), (from, to) => (to - from).TotalMilliseconds).ToArray());
    }

    /// <summary>The explorer lists <see cref="Items"/> sources; every other call answers plainly; every call takes the latency.</summary>
    sealed class ListingModel(TimeSpan latency) : BenchChatClient
    {
        static readonly string Sources = System.Text.Json.JsonSerializer.Serialize(new { sources = Enumerable.Range(0, Items).Select(i => new { title = $"source {i}" }) });

        int calls;

        public int Calls => Volatile.Read(ref calls);

        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref calls);
            await Task.Delay(latency, cancellationToken);
            bool explore = messages.Any(m => m.Text.Contains("Explore and list the sources", StringComparison.Ordinal));
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, explore ? Sources : "done"))
            {
                Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5, TotalTokenCount = 15 },
            };
        }
    }
}
