using DurableCrews.Api;
using Microsoft.AspNetCore.Mvc;

namespace DurableCrews.Functions.Http;

/// <summary>Writes a run API answer.</summary>
public sealed class ApiResult(ApiResponse answer) : IActionResult
{
    /// <inheritdoc />
    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ApiHttp.WriteAsync(context.HttpContext.Response, answer, context.HttpContext.RequestAborted);
    }
}
