namespace DurableCrews.Orchestration.Flows;

/// <summary>One finished run of a flow step: its crew runs (one per item of a <c>for_each</c>), or a person's answer.</summary>
public sealed record FlowStepRecord
{
    /// <summary>The step.</summary>
    public required string Step { get; init; }

    /// <summary>Which run of the step this was, from 1.</summary>
    public int Iteration { get; init; } = 1;

    /// <summary>The crew runs it made, in item order; empty for human feedback or an empty <c>for_each</c>.</summary>
    public IReadOnlyList<string> RunIds { get; init; } = [];

    /// <summary>The outcome a person chose (or the default taken at the timeout), for human feedback.</summary>
    public string? Outcome { get; init; }

    /// <summary>What the person wrote with it, if anything.</summary>
    public string? Feedback { get; init; }

    /// <summary>The labels the step emitted when it finished.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];
}
