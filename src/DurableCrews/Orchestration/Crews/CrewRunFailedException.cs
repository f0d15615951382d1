namespace DurableCrews.Orchestration.Crews;

/// <summary>Ends a run's orchestration as failed, after its result (with the finished tasks) has been stored.</summary>
public sealed class CrewRunFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CrewRunFailedException()
    {
    }

    /// <summary>Creates the exception with the reason the run failed.</summary>
    public CrewRunFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the reason and its cause.</summary>
    public CrewRunFailedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
