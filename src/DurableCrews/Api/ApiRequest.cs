namespace DurableCrews.Api;

/// <summary>
/// An HTTP request as the run API sees it, whichever host received it (the Functions app or <c>durablecrews serve</c>):
/// route values, query, and the body read up to <see cref="MaxBodyBytes"/>.
/// </summary>
public sealed record ApiRequest
{
    /// <summary>The largest body accepted, in bytes (1 MB).</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>The route values (<c>crew</c>, <c>runId</c>, <c>task</c>, <c>name</c>).</summary>
    public IReadOnlyDictionary<string, string> Route { get; init; } = new Dictionary<string, string>();

    /// <summary>The query string's values.</summary>
    public IReadOnlyDictionary<string, string> Query { get; init; } = new Dictionary<string, string>();

    /// <summary>The body; empty when there was none.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>Whether the body was larger than <see cref="MaxBodyBytes"/> (and so not read).</summary>
    public bool BodyTooLarge { get; init; }

    /// <summary>The body's media type.</summary>
    public string? ContentType { get; init; }

    /// <summary>A route value, or empty.</summary>
    public string RouteValue(string name) => Route.GetValueOrDefault(name) ?? string.Empty;

    /// <summary>Reads a body stream up to the limit.</summary>
    /// <returns>The bytes, or null when the body is larger than <see cref="MaxBodyBytes"/>.</returns>
    public static async Task<byte[]?> ReadBodyAsync(Stream body, long? contentLength, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (contentLength > MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
