namespace DurableCrews.Orchestration.Crews;

/// <summary>A task running now, as the run's progress shows it.</summary>
/// <param name="Index">The task's position.</param>
/// <param name="Name">The task's name.</param>
/// <param name="Agent">The role of its agent.</param>
/// <param name="InstanceId">The orchestration doing it, whose own status shows its delegations in flight; null when it runs inline in the run's orchestration (its delegations and tools are listed here).</param>
public sealed record RunningTask(int Index, string Name, string Agent, string? InstanceId = null)
{
    /// <summary>The delegations running now under this task, read from <see cref="InstanceId"/>'s status.</summary>
    public IReadOnlyList<DelegationOrder> Delegations { get; init; } = [];

    /// <summary>The tools its agent is running now, by name, read from <see cref="InstanceId"/>'s status.</summary>
    public IReadOnlyList<string> Tools { get; init; } = [];

    /// <summary>The external event the task waits for, when it waits for one (<c>human_input</c>).</summary>
    public string? WaitingFor { get; init; }

    /// <summary>What a flow's <c>human_feedback</c> step asks the person it waits for.</summary>
    public string? Message { get; init; }

    /// <summary>The outcomes a flow's <c>human_feedback</c> step accepts (<c>{"outcome": "…"}</c>); null otherwise.</summary>
    public IReadOnlyList<string>? Outcomes { get; init; }
}
