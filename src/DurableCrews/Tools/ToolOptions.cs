namespace DurableCrews.Tools;

/// <summary>How agents' tools run, bound from <c>DurableCrews:Tools</c>; the MCP servers a crew may name are defined here only.</summary>
public sealed record ToolOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "DurableCrews:Tools";

    /// <summary>The setting that allows hosts for tools only (web_fetch, http tools, MCP servers by URL).</summary>
    public const string AllowedHostsSetting = "DurableCrews__Tools__AllowedHosts";

    /// <summary>How long one tool call may take when its definition does not say, in seconds.</summary>
    public int TimeoutSeconds { get; init; } = 60;

    /// <summary>The longest tool result the model is given, in characters; a longer one is cut with a note.</summary>
    public int MaxResultChars { get; init; } = 16_000;

    /// <summary>The most bytes web_fetch and http tools read of a response.</summary>
    public int MaxResponseBytes { get; init; } = 2 * 1024 * 1024;

    /// <summary>The largest file file_write writes, in bytes.</summary>
    public int MaxFileBytes { get; init; } = 1024 * 1024;

    /// <summary>Hosts allowed for tools beyond the general outbound allow-list (same form as <c>DurableCrews__Outbound__AllowedHosts</c>).</summary>
    public string? AllowedHosts { get; init; }

    /// <summary>The MCP servers crews may refer to by name (<c>server: NAME</c>): stdio commands and HTTP endpoints.</summary>
    public Dictionary<string, McpServerOptions> Mcp { get; init; } = new(StringComparer.Ordinal);
}

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
