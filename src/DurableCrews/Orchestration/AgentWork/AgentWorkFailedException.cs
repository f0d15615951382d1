namespace DurableCrews.Orchestration.AgentWork;

/// <summary>An agent's work cannot go on: retries spent, guardrail never met, no human answer in time. The message says which, without secrets.</summary>
public sealed class AgentWorkFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AgentWorkFailedException()
    {
    }

    /// <summary>Creates the exception with the reason.</summary>
    public AgentWorkFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the reason and its cause.</summary>
    public AgentWorkFailedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
