namespace DurableCrews.Api;

/// <summary>One endpoint of the run API: its name (the Functions function's), method, route under <c>/api</c>, and what it does.</summary>
/// <param name="Name">The endpoint's name.</param>
/// <param name="Method">GET, POST, PUT or DELETE.</param>
/// <param name="Template">The route under <c>/api</c>, with <c>{values}</c>.</param>
/// <param name="Summary">What it does, for the OpenAPI document.</param>
/// <param name="Query">The query parameters it reads.</param>
/// <param name="Body">What its body holds, when it takes one.</param>
public sealed record ApiRoute(string Name, string Method, string Template, string Summary, IReadOnlyList<string> Query, string? Body = null)
{
    /// <summary>Answers a request to this endpoint, with the API's handlers.</summary>
    internal Func<CrewApi, ApiRequest, CancellationToken, Task<ApiResponse>>? Handler { get; init; }
}
