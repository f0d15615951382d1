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

    /// <summary>Every problem found, each with its path.</summary>
    public IReadOnlyList<DefinitionProblem> Errors { get; init; } = [];

    /// <summary>400: the request is invalid; every problem listed.</summary>
    public static ApiProblem Invalid(IReadOnlyList<DefinitionProblem> problems) => new()
    {
        Status = 400,
        Title = "The request is invalid.",
        Detail = $"{problems.Count} problem(s); nothing was started.",
        Errors = problems,
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
