namespace DurableCrews.Cli.Engine;

/// <summary>How the self-hosted engine runs work.</summary>
public sealed record EngineOptions
{
    /// <summary>How many activities (model calls) may run at once; model calls wait on I/O, so far more than the CPU count.</summary>
    public int MaxConcurrentActivities { get; init; } = 100;

    /// <summary>How many orchestration episodes may run at once.</summary>
    public int MaxConcurrentOrchestrations { get; init; } = 50;
}
