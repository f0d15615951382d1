using System.Globalization;
using System.Text.Json;
using DurableCrews.Runs;
using Microsoft.AspNetCore.Http;

namespace DurableCrews.Api;

/// <summary>Carries ASP.NET Core requests into the run API and its answers back out; both hosts serve HTTP through ASP.NET Core.</summary>
public static class ApiHttp
{
    /// <summary>Reads a request: route values, query, and the body up to <see cref="ApiRequest.MaxBodyBytes"/>.</summary>
    public static async Task<ApiRequest> ReadAsync(HttpRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = await ApiRequest.ReadBodyAsync(request.Body, request.ContentLength, cancellationToken).ConfigureAwait(false);
        return new ApiRequest
        {
            Route = request.RouteValues.Where(v => v.Value is not null).ToDictionary(v => v.Key, v => RouteText(v.Value), StringComparer.Ordinal),
            Query = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
            Body = body ?? ReadOnlyMemory<byte>.Empty,
            BodyTooLarge = body is null,
            ContentType = request.ContentType,
        };
    }

    /// <summary>
    /// A route value as text. The server leaves an escaped '/' (<c>%2F</c>) escaped, so that it cannot split a segment;
    /// within one value it is the '/' of an instance id (<c>{runId}/t0</c>).
    /// </summary>
    static string RouteText(object? value) =>
        (Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty).Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

    /// <summary>Writes an answer: status, Location, and the body as JSON (problems as <c>application/problem+json</c>).</summary>
    public static async Task WriteAsync(HttpResponse response, ApiResponse answer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(answer);
        response.StatusCode = answer.Status;
        if (answer.Location is not null)
        {
            response.Headers.Location = answer.Location;
        }

        if (answer.Body is ApiText text)
        {
            response.ContentType = answer.ContentType;
            await response.WriteAsync(text.Text, cancellationToken).ConfigureAwait(false);
        }
        else if (answer.Body is not null)
        {
            response.ContentType = answer.ContentType;
            await JsonSerializer.SerializeAsync(response.Body, answer.Body, answer.Body.GetType(), CrewJson.Options, cancellationToken).ConfigureAwait(false);
        }
    }
}
