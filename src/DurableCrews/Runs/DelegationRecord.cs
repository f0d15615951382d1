namespace DurableCrews.Runs;

/// <summary>
/// One piece of work an agent handed to a coworker at run time (CrewAI's "Delegate work to coworker" or
/// "Ask question to coworker"), run as the sub-orchestration <see cref="InstanceId"/>.
/// </summary>
public sealed record DelegationRecord
{
    /// <summary>The child orchestration's instance id, <c>{runId}/t{n}/d{m}</c> (nested: <c>…/d{m}/d{k}</c>).</summary>
    public required string InstanceId { get; init; }

    /// <summary><c>delegate_work</c> or <c>ask_question</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The role of the coworker that did the work.</summary>
    public required string Coworker { get; init; }

    /// <summary>The task or question, as the delegating agent wrote it.</summary>
    public required string Task { get; init; }

    /// <summary>The context the delegating agent gave.</summary>
    public string Context { get; init; } = string.Empty;

    /// <summary>The role of the agent (or manager) that delegated.</summary>
    public string? DelegatedBy { get; init; }

    /// <summary>When the coworker started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When the coworker finished.</summary>
    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>The coworker's answer.</summary>
    public string Output { get; init; } = string.Empty;

    /// <summary>Whether the answer was reused from an identical earlier delegation in this run.</summary>
    public bool Reused { get; init; }

    /// <summary>Tokens the coworker spent (its own delegations included).</summary>
    public TokenUsage TokenUsage { get; init; } = TokenUsage.Zero;

    /// <summary>Model requests the coworker retried after a 429 or 5xx.</summary>
    public int Retries { get; init; }

    /// <summary>The coworker's durable waits: rate limits and retry backoff.</summary>
    public IReadOnlyList<ExecutionWait> Waits { get; init; } = [];

    /// <summary>The coworker's model turns.</summary>
    public IReadOnlyList<ModelCallRecord> ModelCalls { get; init; } = [];

    /// <summary>The tool calls the coworker made (results left out).</summary>
    public IReadOnlyList<ToolCallRecord> ToolCalls { get; init; } = [];

    /// <summary>Delegations the coworker made in turn.</summary>
    public IReadOnlyList<DelegationRecord> Delegations { get; init; } = [];

    /// <summary>These delegations and all the delegations made under them, depth first.</summary>
    public static IEnumerable<DelegationRecord> All(IEnumerable<DelegationRecord> delegations) =>
        (delegations ?? []).SelectMany(d => new[] { d }.Concat(All(d.Delegations)));
}
