namespace DurableCrews.Definitions;

/// <summary>An agent as CrewAI users write it in <c>agents.yaml</c>.</summary>
public sealed record AgentDefinition
{
    /// <summary>The agent's key in the definition (<c>researcher</c>).</summary>
    public required string Name { get; init; }

    /// <summary>What the agent is (<c>Senior Data Researcher</c>); placeholders allowed.</summary>
    public required string Role { get; init; }

    /// <summary>What the agent aims for; placeholders allowed.</summary>
    public required string Goal { get; init; }

    /// <summary>Who the agent is; placeholders allowed.</summary>
    public required string Backstory { get; init; }

    /// <summary>The model, as <c>provider/name</c> or a bare name for the default provider; null for the crew's default.</summary>
    public string? Llm { get; init; }

    /// <summary>The model for turns that offer tools (CrewAI's <c>function_calling_llm</c>); null for the crew's, then <see cref="Llm"/>.</summary>
    public string? FunctionCallingLlm { get; init; }

    /// <summary>Tool names the agent may call.</summary>
    public IReadOnlyList<string> Tools { get; init; } = [];

    /// <summary>The agent's own knowledge sources, searched with the crew's.</summary>
    public IReadOnlyList<KnowledgeSource> KnowledgeSources { get; init; } = [];

    /// <summary>The agent's <c>knowledge_config</c>; null for the crew's.</summary>
    public KnowledgeConfig? KnowledgeConfig { get; init; }

    /// <summary>Whether the agent may delegate work to, and ask questions of, its coworkers.</summary>
    public bool AllowDelegation { get; init; }

    /// <summary>The most model turns (with tool calls) per task before a final answer is forced.</summary>
    public int MaxIter { get; init; } = 20;

    /// <summary>The most model requests this agent starts per minute; null for no agent limit.</summary>
    public int? MaxRpm { get; init; }

    /// <summary>The longest one task of this agent may run, in seconds; null for no limit.</summary>
    public int? MaxExecutionTime { get; init; }

    /// <summary>How many times a failed task of this agent is retried.</summary>
    public int MaxRetryLimit { get; init; } = 2;

    /// <summary>Whether this agent uses the crew's memory; null follows the crew.</summary>
    public bool? Memory { get; init; }

    /// <summary>Whether the agent's steps are logged in detail.</summary>
    public bool Verbose { get; init; }
}
