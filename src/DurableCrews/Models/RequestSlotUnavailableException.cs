namespace DurableCrews.Models;

/// <summary>No request slot is free under the run's <c>max_rpm</c>: the request was not sent; a slot frees at <see cref="FreesAt"/>.</summary>
public sealed class RequestSlotUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RequestSlotUnavailableException(DateTime freesAt)
        : base($"max_rpm: no request slot is free until {freesAt:O}.")
    {
        FreesAt = freesAt;
    }

    /// <summary>Creates the exception.</summary>
    public RequestSlotUnavailableException()
        : this(DateTime.UtcNow)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RequestSlotUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception.</summary>
    public RequestSlotUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>When a slot frees in every limit (UTC).</summary>
    public DateTime FreesAt { get; }
}
