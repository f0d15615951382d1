namespace DurableCrews.Definitions;

/// <summary>
/// A flow step waiting for a person (CrewAI's human feedback): the run shows <see cref="Message"/>, waits durably for
/// its <c>human_feedback</c> event, and emits the chosen outcome as a label.
/// </summary>
public sealed record FlowHumanFeedback
{
    /// <summary>What the person is asked; a template like a step's inputs.</summary>
    public required string Message { get; init; }

    /// <summary>The outcomes a person may choose; each is emitted as a label.</summary>
    public required IReadOnlyList<string> Outcomes { get; init; }

    /// <summary>How long to wait, in seconds; null waits until the flow's own deadline.</summary>
    public int? Timeout { get; init; }

    /// <summary>The outcome taken when <see cref="Timeout"/> passes; null fails the flow instead.</summary>
    public string? Default { get; init; }
}
