using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Notifications;
using DurableCrews.Tools;
using Microsoft.Extensions.Options;

namespace DurableCrews.Outbound;

/// <summary>The destination policy of each kind of outbound call, from the general allow-list and each kind's own.</summary>
public sealed class OutboundPolicies
{
    /// <summary>The setting that allows hosts for webhooks only.</summary>
    public const string WebhookAllowedHostsSetting = "DurableCrews__Webhooks__AllowedHosts";

    /// <summary>Creates the policies from the settings, for a server whose only model is the offline default.</summary>
    public OutboundPolicies(IOptions<OutboundOptions> outbound, IOptions<WebhookOptions> webhooks, IOptions<ToolOptions> tools)
        : this(outbound, webhooks, tools, ModelCatalog.Of(new ModelOptions()), new EmbedderProvider(Options.Create(new EmbeddingOptions()), Options.Create(new ModelOptions())))
    {
    }

    /// <summary>Creates the policies from the settings; with <paramref name="settings"/>, a crew's tools are checked for settings that are not set.</summary>
    public OutboundPolicies(IOptions<OutboundOptions> outbound, IOptions<WebhookOptions> webhooks, IOptions<ToolOptions> tools, ModelCatalog models, IEmbedderProvider embedders, ToolSecrets? settings = null)
    {
        this.settings = settings;
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(embedders);
        this.models = models;
        this.embedders = embedders;
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
    readonly ToolSecrets? settings;
    readonly ModelCatalog models;
    readonly IEmbedderProvider embedders;

    /// <summary>Where tools (web_fetch, http tools, MCP servers a crew names by URL) may go.</summary>
    public DestinationPolicy Tools { get; }

    /// <summary>Where webhooks (a kickoff's <c>webhooks</c>, a crew's <c>step_callback</c> and <c>task_callback</c>) may go.</summary>
    public DestinationPolicy Webhooks { get; }

    /// <summary>
    /// Every destination of a crew that its policy refuses, with its path: webhooks, http tools and MCP servers by URL,
    /// MCP servers named that this server's settings do not define, <c>{setting:NAME}</c>s its tools read that are not set, and models (<c>llm</c>s and the embedder) whose
    /// provider or endpoint is unknown or not configured here.
    /// </summary>
    public IReadOnlyList<DefinitionProblem> CheckCrew(CrewDefinition crew)
    {
        ArgumentNullException.ThrowIfNull(crew);
        var problems = new List<DefinitionProblem>();
        Add(problems, "crew.step_callback", crew.StepCallback);
        Add(problems, "crew.task_callback", crew.TaskCallback);
        foreach (var tool in crew.Tools)
        {
            AddToolUrls(problems, tool, template: true);

            if (tool.Server is { } server && !mcpServers.Contains(server))
            {
                problems.Add(new DefinitionProblem($"tools.{tool.Name}.server",
                    $"no MCP server named '{server}' is defined on this server; an operator defines it in the settings (DurableCrews__Tools__Mcp__{server}__Command and __Args__0…, or __Url)" +
                    (mcpServers.Count > 0 ? $"; defined: {string.Join(", ", mcpServers.Order())}" : string.Empty)));
            }
        }

        problems.AddRange(settings?.CheckCrew(crew) ?? []);
        AddModelProblems(problems, crew);
        return problems;
    }

    /// <summary>
    /// The tool URLs that kickoff inputs filled in (<paramref name="filled"/> against the crew as written) and that the
    /// policy refuses: an input must not steer a tool inside the network.
    /// </summary>
    public IReadOnlyList<DefinitionProblem> CheckFilledTools(CrewDefinition written, CrewDefinition filled)
    {
        ArgumentNullException.ThrowIfNull(written);
        ArgumentNullException.ThrowIfNull(filled);
        var problems = new List<DefinitionProblem>();
        foreach (var tool in filled.Tools)
        {
            var before = written.Tools.FirstOrDefault(t => t.Name == tool.Name);
            AddToolUrls(problems, tool, template: false, unless: before is null ? null : UrlOf(before));
        }

        return problems;
    }

    void AddToolUrls(List<DefinitionProblem> problems, ToolDefinition tool, bool template, string? unless = null)
    {
        if (UrlOf(tool) is not { } url || url == unless)
        {
            return;
        }

        // A template is checked with its placeholders standing for a host part; once filled, an http tool's own arguments still are.
        string checkedUrl = template || tool.Kind == ToolKind.Http ? ToolDefinitionReader.Placeholder().Replace(url, "x") : url;
        if (Uri.TryCreate(checkedUrl, UriKind.Absolute, out _) && Tools.Check(checkedUrl, out _) is { } refused)
        {
            problems.Add(new DefinitionProblem($"tools.{tool.Name}.url", refused));
        }
    }

    static string? UrlOf(ToolDefinition tool) => tool.Url ?? tool.Pinned.GetValueOrDefault("url");

    void AddModelProblems(List<DefinitionProblem> problems, CrewDefinition crew)
    {
        var llms = new List<(string Path, string? Llm)>
        {
            ("crew.llm", crew.Llm), ("crew.manager_llm", crew.ManagerLlm), ("crew.planning_llm", crew.PlanningLlm), ("crew.function_calling_llm", crew.FunctionCallingLlm),
        };
        foreach (var agent in crew.Agents)
        {
            llms.Add(($"agents.{agent.Name}.llm", agent.Llm));
            llms.Add(($"agents.{agent.Name}.function_calling_llm", agent.FunctionCallingLlm));
        }

        foreach (var (path, llm) in llms)
        {
            if (llm is not null && models.Problem(llm) is { } problem)
            {
                problems.Add(new DefinitionProblem(path, problem));
            }
        }

        if (crew.Embedder is { } embedder && embedders.Problem(embedder) is { } embedderProblem)
        {
            problems.Add(new DefinitionProblem("crew.embedder.provider", embedderProblem));
        }
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
