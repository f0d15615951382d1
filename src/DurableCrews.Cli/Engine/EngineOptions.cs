namespace DurableCrews.Cli.Engine;

/// <summary>How the self-hosted engine runs work, bound from <c>DurableCrews:Engine</c>.</summary>
public sealed record EngineOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "DurableCrews:Engine";

    /// <summary>How many activities (model calls) may run at once; model calls wait on I/O, so far more than the CPU count.</summary>
    public int MaxConcurrentActivities { get; init; } = 100;

    /// <summary>How many orchestration episodes may run at once.</summary>
    public int MaxConcurrentOrchestrations { get; init; } = 50;

    /// <summary>With a storage connection: the task hub's name (its queues, tables and lease container are named after it).</summary>
    public string TaskHub { get; init; } = "durablecrews";

    /// <summary>
    /// With a storage connection: this worker's id. Keep it stable across restarts, so that a restarted process takes its
    /// partition leases back at once instead of waiting for them to expire. By default the machine name, or
    /// <c>{machine}-2</c>, <c>-3</c>… when another process on this machine already works the task hub under it; a
    /// configured id another process on this machine holds is refused.
    /// </summary>
    public string? WorkerId { get; init; }

    /// <summary>With a storage connection: the longest wait between polls of an idle queue, in milliseconds (the provider's default is 30 s).</summary>
    public int MaxQueuePollingIntervalMs { get; init; } = 1000;

    /// <summary>
    /// With a storage connection: how long a fetched work item stays invisible to other workers, in seconds. A crashed
    /// process's in-flight work comes back after this. A running activity's lock is renewed every third of it, so a
    /// model call may take longer than this without being delivered twice.
    /// </summary>
    public int VisibilityTimeoutSeconds { get; init; } = 30;

    /// <summary>With a storage connection: the control queue partitions (parallelism of orchestrations across workers).</summary>
    public int PartitionCount { get; init; } = 4;
}
