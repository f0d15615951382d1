namespace DurableCrews.Cli.Engine;

/// <summary>A worker id another process on this machine already works the task hub under.</summary>
public sealed class WorkerIdTakenException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public WorkerIdTakenException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public WorkerIdTakenException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public WorkerIdTakenException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
