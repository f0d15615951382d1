namespace DurableCrews.Runs;

/// <summary>What an agent was told and what it answered, for one task.</summary>
public sealed record Transcript
{
    /// <summary>The model that answered.</summary>
    public string? Model { get; init; }

    /// <summary>Every message, in order, including the final answer.</summary>
    public required IReadOnlyList<TranscriptMessage> Messages { get; init; }
}
