using System.Globalization;

namespace DurableCrews.Models;

/// <summary>
/// The model answered 429 (too many requests) or a 5xx: worth trying again, after <see cref="RetryAfter"/> when
/// the service said how long. The message carries the status, never a key or a request body.
/// </summary>
public sealed class ModelThrottledException : Exception
{
    /// <summary>Creates the exception for a status and the wait the service asked for.</summary>
    public ModelThrottledException(int status, TimeSpan? retryAfter, Exception? inner = null)
        : base($"The model answered {status}{(retryAfter is { } wait ? $" and asked to retry after {wait.TotalSeconds:0.###} s" : string.Empty)}.", inner)
    {
        Status = status;
        RetryAfter = retryAfter;
    }

    /// <summary>Creates the exception.</summary>
    public ModelThrottledException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ModelThrottledException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ModelThrottledException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>The HTTP status the model answered.</summary>
    public int Status { get; }

    /// <summary>How long the service asked to wait, when it said.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// The throttling or server failure behind <paramref name="exception"/>, when it is one: a
    /// <see cref="System.ClientModel.ClientResultException"/> or <see cref="HttpRequestException"/> with status
    /// 429 or 5xx. Reads <c>retry-after-ms</c> and <c>Retry-After</c> (seconds or an HTTP date).
    /// </summary>
    public static ModelThrottledException? From(Exception exception, DateTimeOffset now)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case ModelThrottledException throttled:
                    return throttled;
                case System.ClientModel.ClientResultException result when IsTransient(result.Status):
                    var headers = result.GetRawResponse()?.Headers;
                    TimeSpan? wait = null;
                    if (headers is not null && headers.TryGetValue("retry-after-ms", out string? ms))
                    {
                        wait = ParseRetryAfterMilliseconds(ms);
                    }

                    if (wait is null && headers is not null && headers.TryGetValue("Retry-After", out string? after))
                    {
                        wait = ParseRetryAfter(after, now);
                    }

                    return new ModelThrottledException(result.Status, wait, result);
                case HttpRequestException { StatusCode: { } status } http when IsTransient((int)status):
                    return new ModelThrottledException((int)status, null, http);
            }
        }

        return null;
    }

    static bool IsTransient(int status) => status == 429 || status >= 500;

    /// <summary>Reads a <c>retry-after-ms</c> header; null when it is not a number of milliseconds.</summary>
    internal static TimeSpan? ParseRetryAfterMilliseconds(string? value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double milliseconds) && milliseconds >= 0
            ? TimeSpan.FromMilliseconds(milliseconds)
            : null;

    /// <summary>Reads a <c>Retry-After</c> header: seconds or an HTTP date; null when it is neither.</summary>
    internal static TimeSpan? ParseRetryAfter(string? value, DateTimeOffset now)
    {
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
        {
            return TimeSpan.FromSeconds(Math.Max(0, seconds));
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? date > now ? date - now : TimeSpan.Zero
            : null;
    }
}
