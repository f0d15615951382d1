using DurableCrews.Configuration;

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

    /// <summary>The rules these settings must keep, checked when the host starts (by <see cref="OptionsValidator{TOptions}"/>).</summary>
    public static void Check(ToolOptions options, OptionsProblems problems)
    {
        problems
            .AtLeast(nameof(TimeoutSeconds), options.TimeoutSeconds, 1)
            .AtLeast(nameof(MaxResultChars), options.MaxResultChars, 1)
            .AtLeast(nameof(MaxResponseBytes), options.MaxResponseBytes, 1)
            .AtLeast(nameof(MaxFileBytes), options.MaxFileBytes, 1);
    }
}
