namespace DurableCrews.Definitions;

/// <summary>How much knowledge goes into a prompt (CrewAI's <c>knowledge_config</c>).</summary>
public sealed record KnowledgeConfig
{
    /// <summary>How many chunks at most.</summary>
    public int ResultsLimit { get; init; } = 3;

    /// <summary>The least cosine similarity a chunk needs.</summary>
    public double ScoreThreshold { get; init; } = 0.35;
}
