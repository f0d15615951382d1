namespace DurableCrews.Orchestration;

/// <summary>How runs are paced and bounded, bound from <c>DurableCrews:Execution</c>.</summary>
public sealed record ExecutionOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "DurableCrews:Execution";

    /// <summary>The default of <see cref="RateLimitWindowSeconds"/>: a minute, as CrewAI means <c>max_rpm</c>.</summary>
    public const int DefaultRateLimitWindowSeconds = 60;

    /// <summary>The window <c>max_rpm</c> counts requests in, in seconds: 60, a minute, as CrewAI means it.</summary>
    public int RateLimitWindowSeconds { get; init; } = DefaultRateLimitWindowSeconds;

    /// <summary>How deep delegations may nest: a coworker's coworker's coworker by default.</summary>
    public int MaxDelegationDepth { get; init; } = 3;

    /// <summary>How long a task with <c>human_input</c> waits for a person, in seconds (a day by default); then the task fails.</summary>
    public int HumanInputTimeoutSeconds { get; init; } = 86_400;

    /// <summary>The first wait before retrying a 429 or 5xx that gave no <c>Retry-After</c>, in seconds; it doubles each retry.</summary>
    public double RetryDelaySeconds { get; init; } = 2;

    /// <summary>The longest wait before one retry, in seconds, whatever the service asked for.</summary>
    public double MaxRetryDelaySeconds { get; init; } = 300;

    /// <summary>The most items one <c>for_each</c> task may run over; a longer list fails the task, naming it.</summary>
    public int MaxForEachItems { get; init; } = 100;
}
