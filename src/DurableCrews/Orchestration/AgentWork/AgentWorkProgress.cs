using DurableCrews.Orchestration.Crews;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>An agent's work's custom status: where it is, kept small.</summary>
public sealed record AgentWorkProgress
{
    /// <summary>The role of the agent doing the work.</summary>
    public required string Agent { get; init; }

    /// <summary>Model turns taken.</summary>
    public int Turns { get; init; }

    /// <summary>The delegations running now.</summary>
    public IReadOnlyList<DelegationOrder> Delegations { get; init; } = [];

    /// <summary>The tools running now, by name.</summary>
    public IReadOnlyList<string> Tools { get; init; } = [];

    /// <summary>The external event the work waits for, when it waits for one.</summary>
    public string? WaitingFor { get; init; }

    /// <summary>Tokens spent by the agent's own turns.</summary>
    public long Tokens { get; init; }
}
