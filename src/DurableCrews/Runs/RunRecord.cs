using DurableCrews.Definitions;
using DurableCrews.Notifications;

namespace DurableCrews.Runs;

/// <summary>What a run was asked to do, stored as <c>crew-runs/{runId}/run.json</c> before it starts.</summary>
public sealed record RunRecord
{
    /// <summary>The run id.</summary>
    public required string RunId { get; init; }

    /// <summary>The crew, with the kickoff inputs already filled in.</summary>
    public required CrewDefinition Definition { get; init; }

    /// <summary>The kickoff inputs.</summary>
    public IReadOnlyDictionary<string, string> Inputs { get; init; } = new Dictionary<string, string>();

    /// <summary>When the run was accepted.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Where this run's webhooks go: the kickoff's targets over the crew's callbacks.</summary>
    public WebhookTargets Webhooks { get; init; } = new();
}
