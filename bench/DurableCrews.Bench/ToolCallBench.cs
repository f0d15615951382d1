using System.Globalization;
using DurableCrews.Definitions;

namespace DurableCrews.Bench;

/// <summary>
/// What one tool call costs: a sequential crew of N tasks whose agent calls list_files once per task (the offline model
/// asks for it, then answers from it), against the same crew without the tool, on the same engine. The difference per
/// task is the whole cost of a tool call as a durable step: the tool-call activity with its durable timeout timer, its
/// stored result, and the extra model turn that reads it. A bare no-op activity on the same engine is the yardstick.
/// </summary>
internal static class ToolCallBench
{
    const int Tasks = 10;
    const int Repeats = 5;

    public static async Task RunAsync(string[] args)
    {
        Console.WriteLine($"tool call cost: {Tasks}-task sequential crew whose agent calls list_files once per task vs the same crew without tools (offline model, no latency); median of {Repeats}");
        Console.WriteLine("| engine | task ms | task with a tool call ms | tool call ms | bare activity ms | tool call / bare activity |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        await MeasureAsync("in-memory", null);
        using var azurite = await BenchAzurite.StartAsync();
        await MeasureAsync("Azurite (Azure Storage provider)", azurite.ConnectionString);
    }

    static CrewDefinition Crew(bool withTool) => new()
    {
        Name = withTool ? "tool-bench" : "no-tool-bench",
        Agents = [new AgentDefinition { Name = "a", Role = "Clerk", Goal = "g", Backstory = "b", Tools = withTool ? [BuiltinTools.ListFiles] : [] }],
        Tasks = Enumerable.Range(1, Tasks).Select(i => new TaskDefinition { Name = $"t{i}", Description = $"List the files of part {i}.", ExpectedOutput = "the files", Agent = "a", Context = [] }).ToList(),
    };

    static async Task MeasureAsync(string name, string? storage)
    {
        await using var engine = await BenchEngines.StartAsync(storage);
        var plain = Crew(withTool: false);
        var tooled = Crew(withTool: true);
        await OverheadBench.CrewOnceAsync(engine, plain);
        await OverheadBench.CrewOnceAsync(engine, tooled);
        await OverheadBench.BareOnceAsync(engine, Tasks);
        var without = new List<double>();
        var with = new List<double>();
        var bare = new List<double>();
        for (int i = 0; i < Repeats; i++)
        {
            without.Add((await OverheadBench.CrewOnceAsync(engine, plain)).RecordedMs);
            with.Add((await OverheadBench.CrewOnceAsync(engine, tooled)).RecordedMs);
            bare.Add((await OverheadBench.BareOnceAsync(engine, Tasks)).RecordedMs);
        }

        double task = BenchApp.Median(without) / Tasks;
        double taskWithTool = BenchApp.Median(with) / Tasks;
        double perActivity = BenchApp.Median(bare) / Tasks;
        double toolCall = taskWithTool - task;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {task:0.0} | {taskWithTool:0.0} | {toolCall:0.0} | {perActivity:0.0} | {toolCall / perActivity:0.0}x |"));
    }
}
