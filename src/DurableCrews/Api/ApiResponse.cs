namespace DurableCrews.Api;

/// <summary>An answer of the run API: a status, a body written as JSON (a problem as <c>application/problem+json</c>), and a Location when it points somewhere.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">What to write; null for none.</param>
/// <param name="Location">The Location header.</param>
public sealed record ApiResponse(int Status, object? Body, string? Location = null)
{
    /// <summary>The media type the body is written as.</summary>
    public string ContentType => Body switch
    {
        ApiProblem => ApiProblem.ContentType,
        ApiText text => text.ContentType,
        _ => "application/json; charset=utf-8",
    };

    /// <summary>An answer that says what was wrong.</summary>
    public static ApiResponse Problem(ApiProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return new ApiResponse(problem.Status, problem);
    }
}
