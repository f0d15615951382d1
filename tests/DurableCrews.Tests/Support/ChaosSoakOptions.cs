namespace DurableCrews.Tests.Support;

/// <summary>How long and how hard a <see cref="ChaosSoak"/> runs.</summary>
public sealed record ChaosSoakOptions
{
    /// <summary>How long runs are started; 5 minutes by default (the benchmark's length).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the runs are awaited once no more are started.</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>How often a run is started.</summary>
    public TimeSpan StartEvery { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a fault is injected.</summary>
    public TimeSpan FaultEvery { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a storage outage, a model fault or a tool server's absence lasts.</summary>
    public TimeSpan FaultLength { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the stub model takes to answer.</summary>
    public TimeSpan ModelLatency { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Seeds the draw of faults and servers, so that a soak can be run again as it was.</summary>
    public int Seed { get; init; } = 2026;
}
