using System.Text.Json.Nodes;

namespace DurableCrews.Orchestration.Flows;

/// <summary>
/// A CrewAI-style flow run as it goes, stored as <c>crew-runs/{runId}/state.json</c> after each step (CrewAI's
/// <c>@persist</c> is how every flow works here): the state, each step's last run, and every run in finishing order.
/// </summary>
public sealed record FlowStateRecord
{
    /// <summary>The flow run.</summary>
    public required string RunId { get; init; }

    /// <summary>The flow's state.</summary>
    public required JsonObject State { get; init; }

    /// <summary>How many times each step has started.</summary>
    public IReadOnlyDictionary<string, int> Iterations { get; init; } = new Dictionary<string, int>();

    /// <summary>The last finished run of each step.</summary>
    public IReadOnlyDictionary<string, FlowStepRecord> Steps { get; init; } = new Dictionary<string, FlowStepRecord>();

    /// <summary>Every finished step run, in the order they finished.</summary>
    public IReadOnlyList<FlowStepRecord> History { get; init; } = [];

    /// <summary>When it was written.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
