using DurableCrews.Definitions;
using DurableCrews.Notifications;
using DurableCrews.Tools;
using Microsoft.Extensions.Options;

namespace DurableCrews.Outbound;

/// <summary>The destination policy of each kind of outbound call, from the general allow-list and each kind's own.</summary>
public sealed class OutboundPolicies
{
    /// <summary>The setting that allows hosts for webhooks only.</summary>
    public const string WebhookAllowedHostsSetting = "DurableCrews__Webhooks__AllowedHosts";

    /// <summary>Creates the policies from the settings.</summary>
    public OutboundPolicies(IOptions<OutboundOptions> outbound, IOptions<WebhookOptions> webhooks, IOptions<ToolOptions> tools)
    {
        ArgumentNullException.ThrowIfNull(outbound);
        ArgumentNullException.ThrowIfNull(webhooks);
        ArgumentNullException.ThrowIfNull(tools);
        Webhooks = new DestinationPolicy(
            [outbound.Value.AllowedHosts, webhooks.Value.AllowedHosts],
            $"{WebhookAllowedHostsSetting} (or {DestinationPolicy.AllowedHostsSetting})");
        Tools = new DestinationPolicy(
            [outbound.Value.AllowedHosts, tools.Value.AllowedHosts],
            $"{ToolOptions.AllowedHostsSetting} (or {DestinationPolicy.AllowedHostsSetting})");
        mcpServers = tools.Value.Mcp.Keys.ToHashSet(StringComparer.Ordinal);
    }

    readonly HashSet<string> mcpServers;

    /// <summary>Where tools (web_fetch, http tools, MCP servers a crew names by URL) may go.</summary>
    public DestinationPolicy Tools { get; }

    /// <summary>Where webhooks (a kickoff's <c>webhooks</c>, a crew's <c>step_callback</c> and <c>task_callback</c>) may go.</summary>
    public DestinationPolicy Webhooks { get; }

    /// <summary>
    /// Every destination of a crew that its policy refuses, with its path: webhooks, http tools and MCP servers by URL,
    /// and MCP servers named that this server's settings do not define.
    /// </summary>
    public IReadOnlyList<DefinitionProblem> CheckCrew(CrewDefinition crew)
    {
        ArgumentNullException.ThrowIfNull(crew);
        var problems = new List<DefinitionProblem>();
        Add(problems, "crew.step_callback", crew.StepCallback);
        Add(problems, "crew.task_callback", crew.TaskCallback);
        foreach (var tool in crew.Tools)
        {
            if (tool.Url is { } url && Tools.Check(ToolDefinitionReader.Placeholder().Replace(url, "x"), out _) is { } refused)
            {
                problems.Add(new DefinitionProblem($"tools.{tool.Name}.url", refused));
            }

            if (tool.Server is { } server && !mcpServers.Contains(server))
            {
                problems.Add(new DefinitionProblem($"tools.{tool.Name}.server",
                    $"no MCP server named '{server}' is defined on this server; an operator defines it in the settings (DurableCrews__Tools__Mcp__{server}__Command and __Args__0…, or __Url)" +
                    (mcpServers.Count > 0 ? $"; defined: {string.Join(", ", mcpServers.Order())}" : string.Empty)));
            }
        }

        return problems;
    }

    /// <summary>Every webhook destination of a kickoff that the policy refuses, with its path under <paramref name="path"/>.</summary>
    public IReadOnlyList<DefinitionProblem> CheckTargets(WebhookTargets? targets, string path)
    {
        var problems = new List<DefinitionProblem>();
        Add(problems, $"{path}.step", targets?.Step?.OriginalString);
        Add(problems, $"{path}.task", targets?.Task?.OriginalString);
        Add(problems, $"{path}.run", targets?.Run?.OriginalString);
        return problems;
    }

    void Add(List<DefinitionProblem> problems, string path, string? url)
    {
        if (url is not null && Webhooks.Check(url, out _) is { } refused)
        {
            problems.Add(new DefinitionProblem(path, refused));
        }
    }
}
