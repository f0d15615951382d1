namespace DurableCrews.Api;

/// <summary>How DurableCrews uses storage queues, bound from <c>DurableCrews:Queues</c>. Queues need a storage connection (<c>DurableCrews:Storage</c>).</summary>
public sealed record QueueOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "DurableCrews:Queues";

    /// <summary>The queue endpoint reached with the managed identity, when there is no connection string.</summary>
    public Uri? QueueServiceUri { get; init; }

    /// <summary>Whether a message goes to <c>crew-results</c> when a run ends.</summary>
    public bool PublishResults { get; init; }

    /// <summary>How many times <c>durablecrews serve</c> tries a kickoff message that fails for a passing reason before it goes to the poison queue.</summary>
    public int MaxDequeueCount { get; init; } = 5;
}
