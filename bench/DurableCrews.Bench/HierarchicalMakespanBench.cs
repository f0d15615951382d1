using System.Diagnostics;
using System.Globalization;
using DurableCrews.Api;
using DurableCrews.Cli.Engine;
using DurableCrews.Definitions;
using DurableCrews.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace DurableCrews.Bench;

/// <summary>
/// Hierarchical makespan against the critical path: a manager delegates k pieces of work in one turn, each model call
/// takes a simulated latency L, and the run's critical path is the manager's turn, the slowest branch and the
/// synthesis turn: 3 L. Serial delegation, as CrewAI's manager does it, would take (k + 2) L. Prints the median
/// makespan of several runs for k = 1, 4 and 16, its ratio to the critical path, and the speed-up over serial.
/// </summary>
internal static class HierarchicalMakespanBench
{
    const int Runs = 5;

    public static async Task RunAsync(string[] args)
    {
        int[] ks = args.Length > 0 ? args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [1, 4, 16];
        var latency = TimeSpan.FromMilliseconds(500);
        var model = new DelegatingModel(latency);
        Console.WriteLine($"hierarchical makespan: simulated model latency L = {latency.TotalMilliseconds:0} ms, {Runs} runs per k (median)");
        Console.WriteLine("| engine | k delegations | makespan ms | critical path 3L ms | makespan / critical path | serial (k+2)L ms | speed-up over serial |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        await MeasureAsync("in-memory", null, model, ks, latency);
        using var azurite = await BenchAzurite.StartAsync();
        await MeasureAsync("Azurite", azurite.ConnectionString, model, ks, latency);
    }

    static async Task MeasureAsync(string name, string? storage, DelegatingModel model, int[] ks, TimeSpan latency)
    {
        await using var engine = await BenchEngines.StartAsync(storage, services => services.AddSingleton<IChatClientProvider>(model));
        foreach (int k in ks)
        {
            var crew = Crew(k);
            await RunOnceAsync(engine, crew);
            var makespans = new List<double>();
            for (int i = 0; i < Runs; i++)
            {
                makespans.Add(await RunOnceAsync(engine, crew));
            }

            double median = BenchApp.Median(makespans);
            double critical = 3 * latency.TotalMilliseconds;
            double serial = (k + 2) * latency.TotalMilliseconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {k} | {median:0} | {critical:0} | {median / critical:0.00} | {serial:0} | {serial / median:0.00}x |"));
        }
    }

    static async Task<double> RunOnceAsync(CrewEngine engine, CrewDefinition crew)
    {
        var clock = Stopwatch.StartNew();
        string runId = await engine.Runs.KickoffAsync(crew, new KickoffRequest());
        var view = await engine.Runs.WaitAsync(runId, pollInterval: TimeSpan.FromMilliseconds(10));
        if (view.Status != DurableCrews.Runs.CrewRunStatus.Completed || view.Output!.TasksOutput.Single().Delegations.Count != crew.Agents.Count)
        {
            throw new InvalidOperationException($"Run {runId} ended {view.Status}: {view.Error}");
        }

        return clock.Elapsed.TotalMilliseconds;
    }

    static CrewDefinition Crew(int k) => new()
    {
        Name = $"fan-out-{k}",
        Process = CrewProcess.Hierarchical,
        Agents = Enumerable.Range(1, k).Select(i => new AgentDefinition { Name = $"worker{i}", Role = $"Worker {i}", Goal = "help", Backstory = "b" }).ToList(),
        Tasks = [new TaskDefinition { Name = "work", Description = "Split the work", ExpectedOutput = "A combined answer" }],
    };

    /// <summary>The manager delegates one piece to every coworker, then combines; every call takes the latency.</summary>
    sealed class DelegatingModel(TimeSpan latency) : BenchChatClient
    {
        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            await Task.Delay(latency, cancellationToken);
            var list = messages.ToList();
            bool firstManagerTurn = options?.ToolMode is RequiredChatToolMode;
            ChatMessage reply = firstManagerTurn
                ? new ChatMessage(ChatRole.Assistant, Coworkers(options!).Select((c, i) => (AIContent)new FunctionCallContent(
                    $"call{i}", "delegate_work", new Dictionary<string, object?> { ["task"] = $"piece {i}", ["context"] = "bench", ["coworker"] = c })).ToList())
                : new ChatMessage(ChatRole.Assistant, $"done ({list.Count} messages)");
            return new ChatResponse(reply) { Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5, TotalTokenCount = 15 } };
        }

        static IEnumerable<string> Coworkers(ChatOptions options) =>
            options.Tools!.OfType<AIFunctionDeclaration>().First().JsonSchema.GetProperty("properties").GetProperty("coworker").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!);
    }
}
