using System.Text.Json;
using DurableCrews.Definitions;

namespace DurableCrews.Tools;

/// <summary>
/// An agent's tools: what its model is offered (built-in, http and MCP tools, by the names its <c>tools:</c> lists)
/// and the running of one call.
/// </summary>
public sealed class CrewTools
{
    readonly FileTools files;
    readonly WebTools web;
    readonly McpServers mcp;
    readonly ToolOptions options;

    /// <summary>Creates the tools.</summary>
    public CrewTools(FileTools files, WebTools web, McpServers mcp, ToolOptions options)
    {
        this.files = files;
        this.web = web;
        this.mcp = mcp;
        this.options = options;
    }

    /// <summary>The tools an agent's model is offered; empty when its <c>tools:</c> is.</summary>
    public async Task<IReadOnlyList<AgentTool>> ForAgentAsync(CrewDefinition crew, AgentDefinition? agent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(crew);
        var offered = new List<AgentTool>();
        foreach (string name in agent?.Tools ?? [])
        {
            var definition = crew.FindTool(name) ?? throw new InvalidOperationException($"Agent '{agent!.Name}' lists the tool '{name}', which the crew does not define.");
            var tools = definition.Kind switch
            {
                ToolKind.Builtin => [FileTools.Declare(definition)],
                ToolKind.Http => [WebTools.Declare(definition)],
                _ => await mcp.ToolsAsync(definition, cancellationToken).ConfigureAwait(false),
            };
            foreach (var tool in tools)
            {
                // Two servers may name a tool alike: the later one is called by its definition's name before its own.
                offered.Add(offered.Any(t => t.Name == tool.Name) ? tool with { Name = Limit($"{definition.Name}_{tool.Name}") } : tool);
            }
        }

        return offered;
    }

    /// <summary>The timeout of one call of a tool, in seconds.</summary>
    public int TimeoutOf(ToolDefinition definition) => definition.TimeoutSeconds ?? options.TimeoutSeconds;

    /// <summary>The longest result of a tool the model is given.</summary>
    public int MaxResultCharsOf(ToolDefinition definition) => definition.MaxResultChars ?? options.MaxResultChars;

    /// <summary>Runs one call and returns the tool's whole result; a failure is a <see cref="ToolFailedException"/>.</summary>
    public Task<string> RunAsync(ToolDefinition definition, string? remoteName, JsonElement arguments, string runId, CrewDefinition crew, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        switch (definition.Kind)
        {
            case ToolKind.Builtin:
                if (arguments.ValueKind != JsonValueKind.Object)
                {
                    throw new ToolFailedException($"the arguments of '{definition.Name}' must be a JSON object");
                }

                // A pinned argument is the instance's, whatever the model sent.
                var values = arguments.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
                foreach (var (name, value) in definition.Pinned)
                {
                    values[name] = JsonSerializer.SerializeToElement(value);
                }

                return definition.Runs == BuiltinTools.WebFetch
                    ? web.FetchAsync(values, cancellationToken)
                    : files.RunAsync(definition.Runs, values, runId, crew, cancellationToken);
            case ToolKind.Http:
                return web.CallAsync(definition, arguments, cancellationToken);
            default:
                return mcp.CallAsync(definition, remoteName ?? definition.Name, arguments, cancellationToken);
        }
    }

    static string Limit(string name) => name.Length <= 64 ? name : name[..64];
}
