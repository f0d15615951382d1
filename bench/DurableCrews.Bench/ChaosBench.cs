using DurableCrews.Tests.Support;

namespace DurableCrews.Bench;

/// <summary>
/// <c>bench -- chaos [seconds]</c>: the chaos soak for five minutes (or the seconds given), loopback only. Prints runs
/// started, completed, failed (with reasons), stuck, the longest wait after a run's last fault, and the finished model
/// or tool calls made again (must be none); exits non-zero when a run was stuck or a finished call was repeated.
/// </summary>
internal static class ChaosBench
{
    public static async Task RunAsync(string[] args)
    {
        var options = new ChaosSoakOptions();
        if (args.Length > 0 && int.TryParse(args[0], out int seconds) && seconds is > 0 and <= 3600)
        {
            options = options with { Duration = TimeSpan.FromSeconds(seconds) };
        }

        Console.WriteLine($"chaos: three serve processes on one Azurite hub for {options.Duration.TotalSeconds:0} s, a run every {options.StartEvery.TotalSeconds:0} s, a fault every {options.FaultEvery.TotalSeconds:0} s (seed {options.Seed})");
        var report = await ChaosSoak.RunAsync(options, Console.Out);
        Console.WriteLine(report);
        if (report.Stuck.Count > 0 || report.RepeatedFinishedCalls.Count > 0)
        {
            throw new InvalidOperationException("a run was left hanging or a finished call was made again");
        }
    }
}
