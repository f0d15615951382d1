namespace DurableCrews.Orchestration.AgentWork;

/// <summary>What one attempt at a tool call came to; the result itself is stored, not returned.</summary>
public sealed record ToolCallOutcome
{
    /// <summary>The tool answered; its result is stored for the agent's next turn.</summary>
    public bool Succeeded { get; init; }

    /// <summary>Why it failed, as the model will be told.</summary>
    public string? Error { get; init; }

    /// <summary>Whether trying again may succeed.</summary>
    public bool Retryable { get; init; }
}
