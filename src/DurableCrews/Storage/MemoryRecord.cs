namespace DurableCrews.Storage;

/// <summary>One memory: its text, where it came from, and its embedding.</summary>
public sealed record MemoryRecord
{
    /// <summary>A stable id (for entities, the entity's name in lower case).</summary>
    public required string Id { get; init; }

    /// <summary>The kind of memory.</summary>
    public required MemoryKind Kind { get; init; }

    /// <summary>What is remembered.</summary>
    public required string Text { get; init; }

    /// <summary>The task that produced it.</summary>
    public string? Task { get; init; }

    /// <summary>The role of the agent that produced it.</summary>
    public string? Agent { get; init; }

    /// <summary>The run that produced it.</summary>
    public string? RunId { get; init; }

    /// <summary>When it was saved.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>A note on the result's quality (long-term memory).</summary>
    public string? Quality { get; init; }

    /// <summary>The embedding, unit length.</summary>
    public required float[] Vector { get; init; }
}
