namespace DurableCrews.Orchestration.Flows;

/// <summary>
/// A flow step that cannot go on for a reason that would not change on a retry: an expression that fails on the
/// run's values, a <c>for_each</c> that is not a list, state grown past its bound. The flow fails with this message.
/// </summary>
public sealed class FlowStepException : Exception
{
    /// <summary>Creates the exception.</summary>
    public FlowStepException()
    {
    }

    /// <summary>Creates the exception with its reason.</summary>
    public FlowStepException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its reason and cause.</summary>
    public FlowStepException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
