namespace DurableCrews.Definitions;

/// <summary>A whole crew: its agents, its tasks in order, and how it runs.</summary>
public sealed record CrewDefinition
{
    /// <summary>The crew's name: the <c>name</c> field, or the folder or file name it was loaded from.</summary>
    public required string Name { get; init; }

    /// <summary>Sequential (default) or hierarchical.</summary>
    public CrewProcess Process { get; init; } = CrewProcess.Sequential;

    /// <summary>The agents, in definition order.</summary>
    public required IReadOnlyList<AgentDefinition> Agents { get; init; }

    /// <summary>The tasks, in the order they run.</summary>
    public required IReadOnlyList<TaskDefinition> Tasks { get; init; }

    /// <summary>The agent that manages a hierarchical crew; null for the default manager persona.</summary>
    public string? ManagerAgent { get; init; }

    /// <summary>The model of the default manager persona.</summary>
    public string? ManagerLlm { get; init; }

    /// <summary>The default model of every agent without its own <c>llm</c>.</summary>
    public string? Llm { get; init; }

    /// <summary>Whether short-term, long-term and entity memory are on.</summary>
    public bool Memory { get; init; }

    /// <summary>How memories are embedded; null for the offline embedder.</summary>
    public EmbedderDefinition? Embedder { get; init; }

    /// <summary>
    /// Whether model responses are cached and identical requests answered from the cache. Off by default:
    /// CrewAI's default cache holds tool results only, and a rerun should not silently repeat old answers.
    /// </summary>
    public bool Cache { get; init; }

    /// <summary>The most model requests the whole crew starts per minute; null for no crew limit.</summary>
    public int? MaxRpm { get; init; }

    /// <summary>The longest the whole run may take, in seconds; null for no limit.</summary>
    public int? MaxExecutionTime { get; init; }

    /// <summary>Whether a planner turn runs first and adds its plan to every task.</summary>
    public bool Planning { get; init; }

    /// <summary>The planner's model.</summary>
    public string? PlanningLlm { get; init; }

    /// <summary>The model for turns that offer tools, for agents without their own <c>function_calling_llm</c>.</summary>
    public string? FunctionCallingLlm { get; init; }

    /// <summary>A URL that receives a POST after every agent step.</summary>
    public string? StepCallback { get; init; }

    /// <summary>A URL that receives a POST after every task.</summary>
    public string? TaskCallback { get; init; }

    /// <summary>Whether the run logs every step.</summary>
    public bool Verbose { get; init; }

    /// <summary>The tools the crew defines in crew.yaml (<c>mcp</c> and <c>http</c>, and built-in tools given their own settings).</summary>
    public IReadOnlyList<ToolDefinition> Tools { get; init; } = [];

    /// <summary>The crew's read-only files (its <c>files/</c> folder), by path relative to it.</summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();

    /// <summary>The crew's knowledge sources (CrewAI's crew-level <c>knowledge_sources</c>): every agent searches them.</summary>
    public IReadOnlyList<KnowledgeSource> KnowledgeSources { get; init; } = [];

    /// <summary>How much knowledge goes into a prompt.</summary>
    public KnowledgeConfig KnowledgeConfig { get; init; } = new();

    /// <summary>The tool an agent's <c>tools:</c> names: the crew's definition, or a built-in tool's defaults; null when none.</summary>
    public ToolDefinition? FindTool(string name) =>
        Tools.FirstOrDefault(t => t.Name == name)
        ?? (AgentToolNames.BuiltinNames.Contains(name) ? new ToolDefinition { Name = name, Kind = ToolKind.Builtin } : null);

    /// <summary>Finds an agent by its key.</summary>
    public AgentDefinition? FindAgent(string name) => Agents.FirstOrDefault(a => a.Name == name);
}
