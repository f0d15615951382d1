namespace DurableCrews.Runs;

/// <summary>
/// One tool call an agent made: stored whole as <c>crew-runs/{runId}/tools/{key}/{turn}-{index}.json</c> once it has
/// succeeded (so it is never made again), and kept without its result in the work, the task output and the report.
/// </summary>
public sealed record ToolCallRecord
{
    /// <summary>The tool's name, as the model called it.</summary>
    public required string Tool { get; init; }

    /// <summary>The crew's tool that provides it (for an MCP tool, the server's definition).</summary>
    public string? Definition { get; init; }

    /// <summary>The model turn that asked for it.</summary>
    public int Turn { get; init; }

    /// <summary>The call's index in its turn.</summary>
    public int Index { get; init; }

    /// <summary>The arguments as JSON, cut to 2,000 characters.</summary>
    public string Arguments { get; init; } = "{}";

    /// <summary>What the model was given; null in summaries.</summary>
    public string? Result { get; init; }

    /// <summary>Why the call failed; null when it succeeded.</summary>
    public string? Error { get; init; }

    /// <summary>When the call started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When the call finished.</summary>
    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>The size of the tool's whole result in UTF-8 bytes.</summary>
    public long Bytes { get; init; }

    /// <summary>Whether the result was cut to the tool's limit before the model saw it.</summary>
    public bool Truncated { get; init; }

    /// <summary>Whether the result came from the tool cache.</summary>
    public bool Cached { get; init; }

    /// <summary>Which attempt succeeded (or the last attempt made), from 0.</summary>
    public int Attempt { get; init; }

    /// <summary>The agent that made the call.</summary>
    public string? Agent { get; init; }

    /// <summary>Arguments as compact JSON, cut to 2,000 characters.</summary>
    public static string ArgumentsText(System.Text.Json.JsonElement? arguments)
    {
        string text = arguments is { } value ? System.Text.Json.JsonSerializer.Serialize(value) : "{}";
        return text.Length <= 2000 ? text : text[..2000] + "…";
    }
}
