using System.Text.RegularExpressions;

namespace DurableCrews.Definitions;

/// <summary>
/// Reads a crew's <c>tools:</c> (in crew.yaml): each tool's name, kind and common settings, a built-in tool's pinned
/// arguments, and (through <see cref="RemoteToolReader"/>) an MCP or HTTP tool's fields.
/// </summary>
internal static partial class ToolDefinitionReader
{
    /// <summary>The most tools a crew may define.</summary>
    public const int MaxTools = 64;

    static readonly HashSet<string> CommonFields = ["kind", "description", "timeout", "retries", "retry_delay", "cache", "result_as_answer", "max_result_chars"];

    static readonly HashSet<string> McpFields = [.. CommonFields, "server", "url", "headers", "tools"];

    static readonly HashSet<string> HttpFields = [.. CommonFields, "method", "url", "headers", "parameters", "body", "managed_identity"];

    static readonly HashSet<string> NoFields = [];

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

        bool builtin = AgentToolNames.BuiltinNames.Contains(name);
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
            ToolKind.Mcp => RemoteToolReader.ReadMcp(tool, fields),
            ToolKind.Http => RemoteToolReader.ReadHttp(tool, fields),
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

    /// <summary>The argument placeholders (<c>{name}</c>) in a template; <c>{setting:…}</c> is not one.</summary>
    public static IEnumerable<string> Placeholders(string template) =>
        Placeholder().Matches(template).Select(m => m.Groups[1].Value).Where(p => !p.StartsWith("setting:", StringComparison.Ordinal)).Distinct();

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_:.\-]*)\}")]
    internal static partial Regex Placeholder();

    /// <summary>Whether <paramref name="name"/> has the shape of a name models call tools by.</summary>
    public static bool IsToolName(string name) => ToolName().IsMatch(name);

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex ToolName();
}
