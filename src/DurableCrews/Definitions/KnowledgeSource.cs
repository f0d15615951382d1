namespace DurableCrews.Definitions;

/// <summary>One knowledge source of a crew or an agent: text, or a file of the crew's files, chunked and embedded.</summary>
public sealed record KnowledgeSource
{
    /// <summary>CrewAI's default chunk size, in characters.</summary>
    public const int DefaultChunkSize = 4000;

    /// <summary>CrewAI's default overlap between chunks, in characters.</summary>
    public const int DefaultChunkOverlap = 200;

    /// <summary>How the source names itself in prompts and listings: the file's path, or its given name.</summary>
    public required string Name { get; init; }

    /// <summary>What the source is.</summary>
    public required KnowledgeSourceKind Kind { get; init; }

    /// <summary>The text of a string source.</summary>
    public string? Content { get; init; }

    /// <summary>The file of a file source, a path in the crew's files.</summary>
    public string? File { get; init; }

    /// <summary>The longest chunk, in characters.</summary>
    public int ChunkSize { get; init; } = DefaultChunkSize;

    /// <summary>How many characters each chunk repeats from the end of the one before.</summary>
    public int ChunkOverlap { get; init; } = DefaultChunkOverlap;
}
