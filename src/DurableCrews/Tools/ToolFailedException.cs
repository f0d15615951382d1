namespace DurableCrews.Tools;

/// <summary>A tool call that did not succeed, with what the model is told; <see cref="Retryable"/> when trying again may help.</summary>
public sealed class ToolFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ToolFailedException(string message, bool retryable = false, Exception? inner = null)
        : base(message, inner) => Retryable = retryable;

    /// <summary>Creates the exception.</summary>
    public ToolFailedException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public ToolFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public ToolFailedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Whether the failure may pass (a timeout, a 5xx, a 429, a dropped connection).</summary>
    public bool Retryable { get; }
}
