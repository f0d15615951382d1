using DurableCrews.Definitions;

namespace DurableCrews.Runs;

/// <summary>What a flow run was asked to do, stored as <c>crew-runs/{runId}/flow.json</c> before it starts.</summary>
public sealed record FlowRunRecord
{
    /// <summary>The flow run's id; its steps run as <c>{runId}.{step}</c>.</summary>
    public required string RunId { get; init; }

    /// <summary>The flow, with each step's crew as loaded (filled in when the step starts).</summary>
    public required FlowDefinition Flow { get; init; }

    /// <summary>The kickoff inputs.</summary>
    public IReadOnlyDictionary<string, string> Inputs { get; init; } = new Dictionary<string, string>();

    /// <summary>When the run was accepted.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The run id of one step.</summary>
    public string StepRunId(string step) => $"{RunId}.{step}";
}
