using System.Text.Json;
using DurableCrews.Api;
using DurableCrews.Runs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace DurableCrews.Functions.Http;

/// <summary>Writes an <see cref="ApiProblem"/> as <c>application/problem+json</c>.</summary>
public sealed class ProblemResult(ApiProblem problem) : IActionResult
{
    /// <inheritdoc />
    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.HttpContext.Response;
        response.StatusCode = problem.Status;
        response.ContentType = ApiProblem.ContentType;
        return response.WriteAsync(JsonSerializer.Serialize(problem, CrewJson.Options));
    }
}
