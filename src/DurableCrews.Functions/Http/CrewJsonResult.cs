using System.Text.Json;
using DurableCrews.Runs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace DurableCrews.Functions.Http;

/// <summary>Writes a value as JSON in DurableCrews' shape (snake_case, as stored), with a status and optional Location.</summary>
public sealed class CrewJsonResult(object value, int status = StatusCodes.Status200OK, string? location = null) : IActionResult
{
    /// <inheritdoc />
    public Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.HttpContext.Response;
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        if (location is not null)
        {
            response.Headers.Location = location;
        }

        return response.WriteAsync(JsonSerializer.Serialize(value, value.GetType(), CrewJson.Options));
    }
}
