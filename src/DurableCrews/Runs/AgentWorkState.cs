using System.Text.Json;

namespace DurableCrews.Runs;

/// <summary>
/// One agent's work in progress, a task or a delegation, stored as <c>crew-runs/{runId}/work/{key}.json</c>: the
/// conversation so far and what the orchestrator needs to go on after a crash. Each activity of the work reads it
/// and writes it back; a turn already recorded here is never asked of the model again.
/// </summary>
public sealed record AgentWorkState
{
    /// <summary>The run.</summary>
    public required string RunId { get; init; }

    /// <summary>The work's key: its orchestration's instance id after <c>{runId}/</c> (<c>t3</c>, <c>t3/d1</c>).</summary>
    public required string Key { get; init; }

    /// <summary>The crew task this work belongs to.</summary>
    public int TaskIndex { get; init; }

    /// <summary>For one item of a <c>for_each</c> task, its position in the list.</summary>
    public int? Item { get; init; }

    /// <summary><c>task</c>, or the delegation tool that asked for it.</summary>
    public required string Kind { get; init; }

    /// <summary>The role of the agent doing the work.</summary>
    public required string Agent { get; init; }

    /// <summary>The model that answers, as resolved.</summary>
    public string? Model { get; init; }

    /// <summary>How deep in delegation this work is: 0 for a crew task.</summary>
    public int Depth { get; init; }

    /// <summary>The roles of the coworkers the agent may delegate to; empty when it has no delegation tools.</summary>
    public IReadOnlyList<string> Coworkers { get; init; } = [];

    /// <summary>Whether the agent must use a tool on its first turn (a hierarchical crew's manager does not do the work itself).</summary>
    public bool MustDelegateFirst { get; init; }

    /// <summary>The names of the crew tasks whose outputs were given as context.</summary>
    public IReadOnlyList<string> Context { get; init; } = [];

    /// <summary>The conversation, as <c>Microsoft.Extensions.AI</c> chat messages.</summary>
    public JsonElement Messages { get; init; }

    /// <summary>Model turns taken so far.</summary>
    public int Turns { get; init; }

    /// <summary>The outcome of the last turn taken, returned again if that turn is asked for twice.</summary>
    public AgentTurnRecord? LastTurn { get; init; }

    /// <summary>Tool results owed to the model before its next turn, in the order it made the calls.</summary>
    public IReadOnlyList<PendingToolResult> Pending { get; init; } = [];

    /// <summary>How many delegations this work has started, numbering the next one.</summary>
    public int DelegationsStarted { get; init; }

    /// <summary>The model turns taken so far, for the trace.</summary>
    public IReadOnlyList<ModelCallRecord> ModelCalls { get; init; } = [];

    /// <summary>The tool calls made so far (results left out).</summary>
    public IReadOnlyList<ToolCallRecord> ToolCalls { get; init; } = [];

    /// <summary>The delegations that have answered.</summary>
    public IReadOnlyList<DelegationRecord> Delegations { get; init; } = [];

    /// <summary>The agent's latest answer.</summary>
    public string? Answer { get; init; }

    /// <summary>Tokens spent by this agent's own turns.</summary>
    public TokenUsage Usage { get; init; } = TokenUsage.Zero;

    /// <summary>When the work started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When the work finished; null while it runs.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Model requests retried and guardrail revisions, once the work has finished.</summary>
    public int Retries { get; init; }

    /// <summary>The work's durable waits (rate limits, retry backoff, human input), once it has finished.</summary>
    public IReadOnlyList<ExecutionWait> Waits { get; init; } = [];
}
