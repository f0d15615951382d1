using DurableCrews.Definitions;

namespace DurableCrews.Api;

/// <summary>
/// An error answer of the run API, in RFC 9457 (<c>application/problem+json</c>) terms, with every problem
/// and its path. Both hosts (Functions and the self-hosted server) write it the same way.
/// </summary>
public sealed record ApiProblem
{
    /// <summary>The media type of a problem answer.</summary>
    public const string ContentType = "application/problem+json";

    /// <summary>The HTTP status.</summary>
    public required int Status { get; init; }

    /// <summary>A short, fixed summary of the kind of problem.</summary>
    public required string Title { get; init; }

    /// <summary>What went wrong in this case.</summary>
    public string? Detail { get; init; }

    /// <summary>The problems found, each with its path: the first <see cref="MaxListedProblems"/> of them.</summary>
    public IReadOnlyList<DefinitionProblem> Errors { get; init; } = [];

    /// <summary>The status of the run a conflict is about (<c>Completed</c>, <c>Terminated</c>, …), when it is about a run.</summary>
    public string? RunStatus { get; init; }

    /// <summary>Identifies an unexpected failure in the server's log.</summary>
    public string? TraceId { get; init; }

    /// <summary>The most problems one answer lists; the detail gives the full count.</summary>
    public const int MaxListedProblems = 100;

    /// <summary>400: the request is invalid; its problems listed (the first <see cref="MaxListedProblems"/>, with the count).</summary>
    public static ApiProblem Invalid(IReadOnlyList<DefinitionProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return new()
        {
            Status = 400,
            Title = "The request is invalid.",
            Detail = problems.Count > MaxListedProblems
                ? $"{problems.Count} problem(s), the first {MaxListedProblems} listed; nothing was started."
                : $"{problems.Count} problem(s); nothing was started.",
            Errors = problems.Count > MaxListedProblems ? problems.Take(MaxListedProblems).ToList() : problems,
        };
    }

    /// <summary>500: the server failed in a way it did not expect; the trace id finds it in the log.</summary>
    public static ApiProblem Unexpected(string traceId) => new()
    {
        Status = 500,
        Title = "The server failed unexpectedly.",
        Detail = $"Nothing about the request explains it; the server's log has the details under trace id {traceId}.",
        TraceId = traceId,
    };

    /// <summary>401: the API needs a key and the request carries none that is valid.</summary>
    public static ApiProblem Unauthorized() => new()
    {
        Status = 401,
        Title = "An API key is required.",
        Detail = "Send one of the server's API keys as 'Authorization: Bearer KEY' or 'x-api-key: KEY'.",
    };

    /// <summary>405: the path exists but not with this method.</summary>
    public static ApiProblem MethodNotAllowed(string method, IEnumerable<string> allowed) => new()
    {
        Status = 405,
        Title = "Method not allowed.",
        Detail = $"{method} is not allowed here; use {string.Join(" or ", allowed)}.",
    };

    /// <summary>404: no such crew or run.</summary>
    public static ApiProblem NotFound(string detail) => new() { Status = 404, Title = "Not found.", Detail = detail };

    /// <summary>409: the run id is taken, or the run is in a state that forbids the request.</summary>
    public static ApiProblem Conflict(string detail) => new() { Status = 409, Title = "Conflict.", Detail = detail };

    /// <summary>413: the body is larger than the API accepts.</summary>
    public static ApiProblem TooLarge(long limit) => new() { Status = 413, Title = "The request body is too large.", Detail = $"At most {limit} bytes." };

    /// <summary>415: the body is not JSON.</summary>
    public static ApiProblem UnsupportedMediaType(string? contentType) => new()
    {
        Status = 415,
        Title = "Unsupported media type.",
        Detail = $"Send application/json, not '{contentType ?? "(none)"}'.",
    };
}
