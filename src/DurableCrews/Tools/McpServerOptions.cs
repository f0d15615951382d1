namespace DurableCrews.Tools;

/// <summary>An MCP server defined in settings: a command started as a stdio server, or a streamable HTTP endpoint.</summary>
public sealed record McpServerOptions
{
    /// <summary>The program of a stdio server (<c>npx</c>, <c>node</c>, a path).</summary>
    public string? Command { get; init; }

    /// <summary>The program's arguments.</summary>
    public List<string> Args { get; init; } = [];

    /// <summary>Environment variables given to the program.</summary>
    public Dictionary<string, string> Env { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The program's working directory; null for the worker's.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>A streamable HTTP server's endpoint, instead of a command.</summary>
    public string? Url { get; init; }

    /// <summary>Headers sent to an HTTP server (secrets belong here, in settings).</summary>
    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}
