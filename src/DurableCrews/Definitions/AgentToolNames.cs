namespace DurableCrews.Definitions;

/// <summary>
/// The tool names an agent may list: a tool its crew defines, a built-in tool, or a CrewAI tool class with a
/// DurableCrews equivalent. Any other name is a problem that says what to add.
/// </summary>
internal static class AgentToolNames
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

    /// <summary>The canonical tool names of an agent's <c>tools:</c>, with a problem for each name nothing provides.</summary>
    public static IReadOnlyList<string> Resolve(YamlFields agent, IReadOnlyList<string> listed, IReadOnlyList<ToolDefinition> defined)
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
        string key = ToolDefinitionReader.IsToolName(name) ? name : "my_tool";
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
}
