namespace DurableCrews.Bench;

/// <summary>The benchmark harness: each benchmark prints medians and a ratio measured in one run.</summary>
internal static class BenchApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        string which = args.FirstOrDefault() ?? "all";
        if (which == MemoryScaleBench.ChildCommand)
        {
            return await MemoryScaleBench.SearchChildAsync(args[1..]);
        }

        var benchmarks = new Dictionary<string, Func<string[], Task>>(StringComparer.OrdinalIgnoreCase)
        {
            ["memory"] = MemoryScaleBench.RunAsync,
            ["hierarchy"] = HierarchicalMakespanBench.RunAsync,
            ["overhead"] = OverheadBench.RunAsync,
            ["load"] = LoadBench.RunAsync,
            ["idle"] = IdleStartBench.RunAsync,
            ["recovery"] = RecoveryBench.RunAsync,
            ["tools"] = ToolCallBench.RunAsync,
            ["scaleout"] = ScaleOutBench.RunAsync,
            ["kickoff"] = KickoffBench.RunAsync,
            ["chaos"] = ChaosBench.RunAsync,
            ["flow-loop"] = FlowLoopBench.RunAsync,
            ["for-each"] = ForEachBench.RunAsync,
        };

        if (which == "all")
        {
            foreach (var bench in benchmarks.Values)
            {
                await bench(args.Skip(1).ToArray());
            }

            return 0;
        }

        if (!benchmarks.TryGetValue(which, out var run))
        {
            await Console.Error.WriteLineAsync($"unknown benchmark '{which}'; choose one of: all, {string.Join(", ", benchmarks.Keys)}");
            return 2;
        }

        await run(args.Skip(1).ToArray());
        return 0;
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
