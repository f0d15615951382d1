namespace DurableCrews.Outbound;

/// <summary>A request on a user's behalf was refused by the <see cref="DestinationPolicy"/> before it was sent.</summary>
public sealed class DestinationRefusedException : HttpRequestException
{
    /// <summary>Creates the exception with what was refused and why.</summary>
    public DestinationRefusedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public DestinationRefusedException()
        : base("The destination was refused by the outbound destination policy.")
    {
    }

    /// <summary>Creates the exception with an inner exception.</summary>
    public DestinationRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
