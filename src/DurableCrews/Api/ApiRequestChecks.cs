using System.Globalization;
using DurableCrews.Definitions;

namespace DurableCrews.Api;

/// <summary>The checks every endpoint makes of its request before it does anything: media types, query values.</summary>
internal static class ApiRequestChecks
{
    /// <summary>415 when a body is sent as anything but JSON.</summary>
    public static ApiResponse? JsonBodyProblem(ApiRequest request) =>
        !request.Body.IsEmpty && request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true
            ? ApiResponse.Problem(ApiProblem.UnsupportedMediaType(request.ContentType))
            : null;

    /// <summary>415 when a crew document is sent as neither YAML nor JSON; 400 when there is none.</summary>
    public static ApiResponse? DocumentProblem(ApiRequest request)
    {
        if (DocumentType(request) is null)
        {
            return ApiResponse.Problem(ApiProblem.UnsupportedMediaType(request.ContentType) with { Detail = $"Send a crew as application/yaml or application/json, not '{request.ContentType ?? "(none)"}'." });
        }

        return request.Body.IsEmpty ? ApiResponse.Problem(ApiProblem.Invalid([new DefinitionProblem("body", "required: a crew document with agents and tasks")])) : null;
    }

    /// <summary><c>json</c> or <c>yaml</c> for a crew document's media type; null for any other.</summary>
    public static string? DocumentType(ApiRequest request) =>
        (request.ContentType?.Split(';')[0].Trim().ToLowerInvariant() ?? string.Empty) switch
        {
            "application/json" => "json",
            "application/yaml" or "application/x-yaml" or "text/yaml" or "text/x-yaml" => "yaml",
            _ => null,
        };

    /// <summary>A crew document as text: JSON bodies must be JSON (so that no YAML-only syntax, such as anchors, hides in them), and UTF-8.</summary>
    public static string? DocumentText(ApiRequest request, List<DefinitionProblem> problems)
    {
        if (DocumentType(request) == "json")
        {
            using var json = JsonBody.Parse(request.Body, "body", out var problem);
            if (json is null)
            {
                problems.Add(problem!);
                return null;
            }
        }
        else if (!System.Text.Unicode.Utf8.IsValid(request.Body.Span))
        {
            problems.Add(new DefinitionProblem("body", "is not valid UTF-8"));
            return null;
        }

        return System.Text.Encoding.UTF8.GetString(request.Body.Span);
    }

    /// <summary>A query value by its snake_case name or its older camelCase alias; null when neither is given.</summary>
    public static string? Query(ApiRequest request, string name, string? alias = null) =>
        request.Query.GetValueOrDefault(name) ?? (alias is null ? null : request.Query.GetValueOrDefault(alias));

    /// <summary>Reads <c>?wait=</c>: seconds from 0 to <paramref name="max"/>.</summary>
    public static int? ReadWait(ApiRequest request, int max, List<DefinitionProblem> problems)
    {
        if (Query(request, "wait") is not { } text)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) && seconds <= max)
        {
            return seconds;
        }

        problems.Add(new DefinitionProblem("query.wait", $"must be a whole number of seconds from 0 to {max}"));
        return null;
    }

    /// <summary>Reads an optional query value with <paramref name="parse"/>; a value it rejects is a problem.</summary>
    public static T? ParseQuery<T>(ApiRequest request, string name, string? alias, List<DefinitionProblem> problems, Func<string, T?> parse, string expected)
        where T : struct
    {
        if (Query(request, name, alias) is not { Length: > 0 } text)
        {
            return null;
        }

        var value = parse(text);
        if (value is null)
        {
            problems.Add(new DefinitionProblem($"query.{name}", $"'{Shorten(text)}' is not {expected}"));
        }

        return value;
    }

    /// <summary>An ISO 8601 time.</summary>
    public static DateTimeOffset? ParseTime(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    /// <summary>A value quoted back to the client, cut to a readable length.</summary>
    public static string Shorten(string text) => text.Length <= 100 ? text : $"{text[..100]}…";
}
