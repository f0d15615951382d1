using System.Text.Json;

namespace DurableCrews.Definitions;

/// <summary>
/// A tool an agent may list in <c>tools:</c>, as the crew defines it under <c>tools:</c> in crew.yaml (or a built-in
/// tool with its defaults). The settings every kind shares (timeout, retries, cache, result size, result_as_answer)
/// are here; the rest belongs to one kind.
/// </summary>
public sealed record ToolDefinition
{
    /// <summary>The name agents list; for an HTTP or built-in tool also the name the model calls.</summary>
    public required string Name { get; init; }

    /// <summary>What provides the tool.</summary>
    public required ToolKind Kind { get; init; }

    /// <summary>
    /// For a named instance of a built-in tool (<c>kind: FileReadTool</c>, <c>kind: web_fetch</c>): the built-in tool it
    /// runs; null when the name is the built-in tool's own.
    /// </summary>
    public string? Builtin { get; init; }

    /// <summary>
    /// For a named instance of a built-in tool: the arguments it is pinned to, by the built-in tool's argument name
    /// (<c>path</c>, <c>folder</c>, <c>url</c>). The model is not asked for them. Until kickoff a value may hold
    /// <c>{input}</c> placeholders, filled from the kickoff inputs.
    /// </summary>
    public IReadOnlyDictionary<string, string> Pinned { get; init; } = new Dictionary<string, string>();

    /// <summary>The built-in tool a <see cref="ToolKind.Builtin"/> definition runs.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Runs => Builtin ?? Name;

    /// <summary>What the tool does, for the model; an MCP server's tools describe themselves.</summary>
    public string? Description { get; init; }

    /// <summary>For <c>mcp</c>: the server defined in settings (<c>DurableCrews__Tools__Mcp__{name}__…</c>).</summary>
    public string? Server { get; init; }

    /// <summary>For <c>mcp</c>: a streamable HTTP server's endpoint; for <c>http</c>: the URL template (<c>{arg}</c> placeholders in path and query).</summary>
    public string? Url { get; init; }

    /// <summary>Request headers; a value may name a setting (<c>{setting:NAME}</c>) that holds a secret.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>For <c>mcp</c>: the server's tools agents get; empty for all of them.</summary>
    public IReadOnlyList<string> Include { get; init; } = [];

    /// <summary>For <c>http</c>: the method.</summary>
    public string Method { get; init; } = "GET";

    /// <summary>For <c>http</c>: the JSON schema of the arguments (an object schema).</summary>
    public JsonElement? Parameters { get; init; }

    /// <summary>For <c>http</c>: the body template; a whole-string <c>{arg}</c> becomes the argument's JSON value.</summary>
    public string? Body { get; init; }

    /// <summary>For <c>http</c>: the Entra ID scope of a managed-identity token sent as a bearer token; null for none.</summary>
    public string? IdentityScope { get; init; }

    /// <summary>How long one call may take, in seconds; null for the configured default.</summary>
    public int? TimeoutSeconds { get; init; }

    /// <summary>How many times a failed call is tried again.</summary>
    public int Retries { get; init; }

    /// <summary>How long to wait before trying a failed call again, in seconds (doubling each time).</summary>
    public int RetryDelaySeconds { get; init; } = 2;

    /// <summary>Whether successful results are cached by tool and arguments across runs.</summary>
    public bool Cache { get; init; }

    /// <summary>Whether the tool's result becomes the agent's final answer (CrewAI's <c>result_as_answer</c>).</summary>
    public bool ResultAsAnswer { get; init; }

    /// <summary>The longest result the model is given, in characters; null for the configured default.</summary>
    public int? MaxResultChars { get; init; }
}
