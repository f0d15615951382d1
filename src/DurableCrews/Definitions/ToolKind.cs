namespace DurableCrews.Definitions;

/// <summary>What provides a tool.</summary>
public enum ToolKind
{
    /// <summary>One of DurableCrews' own tools: <c>file_read</c>, <c>file_write</c>, <c>list_files</c>, <c>web_fetch</c>.</summary>
    Builtin,

    /// <summary>The tools of an MCP server: one named in the server's settings, or a streamable HTTP server by URL.</summary>
    Mcp,

    /// <summary>One HTTP call.</summary>
    Http,
}
