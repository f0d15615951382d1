using System.Text.Json;
using System.Text.RegularExpressions;

namespace DurableCrews.Definitions;

/// <summary>
/// Reads a crew's <c>tools:</c> (in crew.yaml) and resolves the names agents list: a tool the crew defines, a built-in
/// tool, or a CrewAI tool class with a DurableCrews equivalent. Any other name is a problem that says what to add.
/// </summary>
internal static partial class ToolDefinitionReader
{
    /// <summary>The tools every crew has without defining them.</summary>
    public static readonly IReadOnlyList<string> BuiltinNames = [BuiltinTools.FileRead, BuiltinTools.FileWrite, BuiltinTools.ListFiles, BuiltinTools.WebFetch];

    /// <summary>CrewAI's tool classes that DurableCrews provides, and the built-in tool that stands for each.</summary>
    public static readonly IReadOnlyDictionary<string, string> CrewAiNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["FileReadTool"] = BuiltinTools.FileRead,
        ["FileWriterTool"] = BuiltinTools.FileWrite,
        ["DirectoryReadTool"] = BuiltinTools.ListFiles,
        ["ScrapeWebsiteTool"] = BuiltinTools.WebFetch,
        ["WebsiteSearchTool"] = BuiltinTools.WebFetch,
    };

    /// <summary>The most tools a crew may define.</summary>
    public const int MaxTools = 64;

    static readonly HashSet<string> CommonFields = ["kind", "description", "timeout", "retries", "retry_delay", "cache", "result_as_answer", "max_result_chars"];

    static readonly HashSet<string> McpFields = [.. CommonFields, "server", "url", "headers", "tools"];

    static readonly HashSet<string> HttpFields = [.. CommonFields, "method", "url", "headers", "parameters", "body", "managed_identity"];

    static readonly HashSet<string> NoFields = [];

    static readonly HashSet<string> Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    /// <summary>Reads the crew's tool definitions, built-in tools with their settings included.</summary>
    public static IReadOnlyList<ToolDefinition> Read(YamlFields? tools, List<DefinitionProblem> problems)
    {
        var read = new List<ToolDefinition>();
        if (tools is null)
        {
            return read;
        }

        if (tools.Keys.Count() > MaxTools)
        {
            problems.Add(new DefinitionProblem(tools.Path, $"defines {tools.Keys.Count()} tools; at most {MaxTools}"));
            return read;
        }

        foreach (string name in tools.Keys)
        {
            if (tools.Mapping(name) is not { } fields)
            {
                continue;
            }

            if (NameProblem(name) is { } bad)
            {
                fields.Problem(string.Empty, bad);
                continue;
            }

            if (ReadOne(name, fields) is { } tool)
            {
                read.Add(tool);
            }
        }

        return read;
    }

    /// <summary>Why a name cannot name a tool a model calls; null when it can.</summary>
    public static string? NameProblem(string name)
    {
        if (!ToolName().IsMatch(name))
        {
            return $"the tool name '{name}' must be 1 to 64 letters, digits, '_' or '-', starting with a letter: models call tools by such names";
        }

        return Agents.DelegationTools.KindOf(name) is not null
            ? $"'{name}' is the name of a delegation tool every agent that may delegate has; choose another name"
            : null;
    }

    /// <summary>The canonical tool names of an agent's <c>tools:</c>, with a problem for each name nothing provides.</summary>
    public static IReadOnlyList<string> ResolveAgentTools(YamlFields agent, IReadOnlyList<string> listed, IReadOnlyList<ToolDefinition> defined)
    {
        var names = new List<string>();
        var known = defined.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        for (int i = 0; i < listed.Count; i++)
        {
            string name = listed[i];
            string? resolved = known.Contains(name) || BuiltinNames.Contains(name) ? name : CrewAiNames.GetValueOrDefault(name);
            if (resolved is null)
            {
                agent.Problem($"tools[{i}]", Missing(name, known));
                continue;
            }

            if (!names.Contains(resolved))
            {
                names.Add(resolved);
            }
        }

        return names;
    }

    static string Missing(string name, HashSet<string> known)
    {
        string key = ToolName().IsMatch(name) ? name : "my_tool";
        var availableNames = BuiltinNames.Concat(known.Order(StringComparer.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        string available = string.Join(", ", availableNames);
        string hint = NameSuggestions.Hint(name, availableNames.Concat(CrewAiNames.Keys));
        string provide =
            $"to provide it, define it in crew.yaml under 'tools:', as an MCP server's tools ('{key}: {{kind: mcp, server: NAME}}' with the server in the settings " +
            $"DurableCrews__Tools__Mcp__NAME__Command, or 'url: https://…' for a streamable HTTP server) or as one HTTP call " +
            $"('{key}: {{kind: http, url: https://…, parameters: {{type: object, properties: {{…}}}}}}')";
        return name.EndsWith("Tool", StringComparison.Ordinal)
            ? $"'{name}' is a CrewAI tool that DurableCrews does not have built in (built in: {string.Join(", ", CrewAiNames.Keys.Distinct(StringComparer.Ordinal))}){hint}; {provide}. Tools here: {available}"
            : $"no tool named '{name}'{hint}; {provide}. Tools here: {available}";
    }

    static ToolDefinition? ReadOne(string name, YamlFields fields)
    {
        foreach (string stdio in new[] { "command", "args", "env" })
        {
            if (fields.Has(stdio))
            {
                fields.Problem(stdio,
                    $"a crew cannot start a process: stdio MCP servers are defined only in the server's settings (DurableCrews__Tools__Mcp__{name}__Command, " +
                    $"DurableCrews__Tools__Mcp__{name}__Args__0, DurableCrews__Tools__Mcp__{name}__Env__NAME); refer to one with 'kind: mcp' and 'server: {name}'");
                return null;
            }
        }

        bool builtin = BuiltinNames.Contains(name);
        string? kindText = fields.String("kind", required: !builtin);
        string? instanceOf = null;
        ToolKind kind;
        switch (kindText)
        {
            case null when builtin:
            case "builtin" when builtin:
                kind = ToolKind.Builtin;
                break;
            case not null when !builtin && BuiltinToolInstances.BuiltinOf(kindText) is not null:
                kind = ToolKind.Builtin;
                instanceOf = kindText;
                break;
            case "mcp":
                kind = ToolKind.Mcp;
                break;
            case "http":
                kind = ToolKind.Http;
                break;
            case null:
                return null;
            default:
                fields.Problem("kind", builtin
                    ? $"'{name}' is a built-in tool: leave 'kind' out (or write 'builtin') to set its timeout, retries, cache or result size, or give the tool another name"
                    : $"must be 'mcp' (an MCP server's tools), 'http' (one HTTP call) or the kind of a built-in tool ({string.Join(", ", BuiltinToolInstances.KindNames)}), " +
                      $"not '{kindText}'{NameSuggestions.Hint(kindText, BuiltinToolInstances.KindNames.Append("mcp").Append("http"))}");
                return null;
        }

        if (builtin && kind != ToolKind.Builtin)
        {
            fields.Problem("kind", $"'{name}' is the name of a built-in tool; give this {kindText} tool another name");
            return null;
        }

        fields.CheckKnown(kind switch
        {
            ToolKind.Mcp => McpFields,
            ToolKind.Http => HttpFields,
            _ when instanceOf is not null => [.. CommonFields, .. BuiltinToolInstances.ArgumentsOf(instanceOf)],
            _ => CommonFields,
        }, NoFields);
        var tool = new ToolDefinition
        {
            Name = name,
            Kind = kind,
            Description = fields.String("description"),
            TimeoutSeconds = fields.Int("timeout", 1, 3600),
            Retries = fields.Int("retries", 0, 10) ?? 0,
            RetryDelaySeconds = fields.Int("retry_delay", 0, 600) ?? 2,
            Cache = fields.Bool("cache") ?? false,
            ResultAsAnswer = fields.Bool("result_as_answer") ?? false,
            MaxResultChars = fields.Int("max_result_chars", 100, 1_000_000),
        };
        return kind switch
        {
            ToolKind.Mcp => ReadMcp(tool, fields),
            ToolKind.Http => ReadHttp(tool, fields),
            _ when instanceOf is not null => ReadInstance(tool, instanceOf, fields),
            _ => tool,
        };
    }

    static ToolDefinition ReadInstance(ToolDefinition tool, string kind, YamlFields fields)
    {
        var pinned = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string argument in BuiltinToolInstances.ArgumentsOf(kind))
        {
            if (fields.String(argument) is not { } value)
            {
                continue;
            }

            string target = BuiltinToolInstances.TargetOf(kind, argument);
            if (BuiltinToolInstances.Check(target, value, filled: false) is { } error)
            {
                fields.Problem(argument, error);
                continue;
            }

            pinned[target] = value;
        }

        return tool with { Builtin = BuiltinToolInstances.BuiltinOf(kind), Pinned = pinned };
    }

    static ToolDefinition ReadMcp(ToolDefinition tool, YamlFields fields)
    {
        string? server = fields.String("server");
        string? url = fields.String("url");
        if ((server is null) == (url is null))
        {
            fields.Problem(string.Empty, "an mcp tool needs either 'server' (a server defined in the settings DurableCrews__Tools__Mcp__NAME__…) or 'url' (a streamable HTTP endpoint), not both");
        }

        if (server is not null && !DefinitionNames.IsValid(server))
        {
            fields.Problem("server", $"'{server}' {DefinitionNames.Rule()}");
        }

        if (url is not null)
        {
            CheckUrl(fields, url, allowPlaceholders: false);
        }

        if (server is not null && fields.Has("headers"))
        {
            fields.Problem("headers", "a server defined in settings takes its headers from the settings too (DurableCrews__Tools__Mcp__NAME__Headers__HEADER)");
        }

        return tool with { Server = server, Url = url, Headers = Headers(fields), Include = fields.StringList("tools") ?? [] };
    }

    static ToolDefinition ReadHttp(ToolDefinition tool, YamlFields fields)
    {
        string method = (fields.String("method") ?? "GET").ToUpperInvariant();
        if (!Methods.Contains(method))
        {
            fields.Problem("method", $"must be one of {string.Join(", ", Methods)}, not '{method}'");
        }

        if (tool.Description is null)
        {
            fields.Problem("description", "required: the model decides when to call the tool from its description");
        }

        var parameters = fields.Json("parameters");
        var properties = new HashSet<string>(StringComparer.Ordinal);
        if (parameters is null)
        {
            if (!fields.Has("parameters"))
            {
                fields.Problem("parameters", "required: the JSON schema of the tool's arguments, such as {type: object, properties: {query: {type: string}}, required: [query]}");
            }
        }
        else if (parameters.Value.ValueKind != JsonValueKind.Object || !parameters.Value.TryGetProperty("properties", out var props) || props.ValueKind != JsonValueKind.Object
            || (parameters.Value.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() != "object"))
        {
            fields.Problem("parameters", "must be an object schema with 'properties' (type: object)");
        }
        else
        {
            properties.UnionWith(props.EnumerateObject().Select(p => p.Name));
        }

        string? url = fields.String("url", required: true);
        if (url is not null)
        {
            CheckUrl(fields, url, allowPlaceholders: true);
            // A placeholder that is not an argument is a kickoff input, filled when the run starts.
            foreach (string placeholder in Placeholders(url).Where(p => !properties.Contains(p) && !InputName().IsMatch(p)))
            {
                fields.Problem("url", $"uses {{{placeholder}}}, which is neither a property of 'parameters' nor a kickoff input");
            }
        }

        var body = fields.Json("body");
        if (body is not null && method is "GET" or "DELETE")
        {
            fields.Problem("body", $"a {method} request has no body; use method: POST or put the arguments in the URL");
        }

        if (body is not null)
        {
            foreach (string placeholder in Placeholders(body.Value.GetRawText()).Where(p => !properties.Contains(p)))
            {
                fields.Problem("body", $"uses {{{placeholder}}}, which is not a property of 'parameters'");
            }
        }

        return tool with
        {
            Method = method,
            Url = url,
            Parameters = parameters,
            Body = body?.GetRawText(),
            Headers = Headers(fields),
            IdentityScope = fields.String("managed_identity"),
        };
    }

    static void CheckUrl(YamlFields fields, string url, bool allowPlaceholders)
    {
        if (!Uri.TryCreate(Placeholder().Replace(url, "x"), UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
        {
            fields.Problem("url", $"must be an absolute http(s) URL, not '{url}'");
            return;
        }

        int authorityEnd = url.IndexOf('/', url.IndexOf("//", StringComparison.Ordinal) + 2);
        string authority = authorityEnd < 0 ? url : url[..authorityEnd];
        if (authority.Contains('{', StringComparison.Ordinal) || (!allowPlaceholders && url.Contains('{', StringComparison.Ordinal)))
        {
            fields.Problem("url", allowPlaceholders
                ? "the scheme and host must be written out: arguments go in the path or the query ({name})"
                : "must be written out, without placeholders");
        }
    }

    static IReadOnlyDictionary<string, string> Headers(YamlFields fields)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (fields.Mapping("headers") is not { } mapping)
        {
            return headers;
        }

        foreach (string name in mapping.Keys)
        {
            if (!HeaderName().IsMatch(name))
            {
                mapping.Problem(name, "is not an HTTP header name");
                continue;
            }

            if (mapping.String(name, required: true) is { } value)
            {
                if (value.Any(char.IsControl))
                {
                    mapping.Problem(name, "must not hold control characters");
                    continue;
                }

                foreach (Match placeholder in Placeholder().Matches(value).Where(m => !m.Value.StartsWith("{setting:", StringComparison.Ordinal)))
                {
                    mapping.Problem(name, $"{placeholder.Value} is not allowed in a header; secrets come from settings as {{setting:NAME}}");
                }

                headers[name] = value;
            }
        }

        return headers;
    }

    /// <summary>The argument placeholders (<c>{name}</c>) in a template; <c>{setting:…}</c> is not one.</summary>
    public static IEnumerable<string> Placeholders(string template) =>
        Placeholder().Matches(template).Select(m => m.Groups[1].Value).Where(p => !p.StartsWith("setting:", StringComparison.Ordinal)).Distinct();

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_:.\-]*)\}")]
    internal static partial Regex Placeholder();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_\-]*$")]
    private static partial Regex InputName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex ToolName();

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$")]
    private static partial Regex HeaderName();
}
