namespace DurableCrews.Api;

/// <summary>A kickoff named a run id that is already taken.</summary>
public sealed class RunConflictException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RunConflictException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RunConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public RunConflictException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
