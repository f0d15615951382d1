using DurableCrews.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace DurableCrews.Functions.Http;

/// <summary>
/// The run API's HTTP triggers, one per endpoint of <see cref="CrewApi.Routes"/>: each hands its request to the
/// library's <see cref="CrewApi"/> and writes the answer. Function keys guard them all.
/// </summary>
public sealed class ApiFunctions(RunClientServices services)
{
    /// <summary>GET /api/dashboard: the runs dashboard (open it with <c>?code=</c> and a function key; its API calls carry the key).</summary>
    [Function("Dashboard")]
    public IActionResult Dashboard([HttpTrigger(AuthorizationLevel.Function, "get", Route = "dashboard")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.Response.Headers.ContentSecurityPolicy = DurableCrews.Dashboard.DashboardPage.ContentSecurityPolicy;
        request.HttpContext.Response.Headers.XContentTypeOptions = "nosniff";
        return new ContentResult { Content = DurableCrews.Dashboard.DashboardPage.Html, ContentType = DurableCrews.Dashboard.DashboardPage.ContentType, StatusCode = 200 };
    }

    /// <summary>POST /api/crews/{crew}/kickoff.</summary>
    [Function("KickoffCrew")]
    public Task<IActionResult> KickoffCrew([HttpTrigger(AuthorizationLevel.Function, "post", Route = "crews/{crew}/kickoff")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync("KickoffCrew", request, client);

    /// <summary>POST /api/crews/{crew}/kickoff-batch.</summary>
    [Function("KickoffCrewBatch")]
    public Task<IActionResult> KickoffCrewBatch([HttpTrigger(AuthorizationLevel.Function, "post", Route = "crews/{crew}/kickoff-batch")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync("KickoffCrewBatch", request, client);

    /// <summary>POST /api/flows/{flow}/kickoff.</summary>
    [Function("KickoffFlow")]
    public Task<IActionResult> KickoffFlow([HttpTrigger(AuthorizationLevel.Function, "post", Route = "flows/{flow}/kickoff")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync("KickoffFlow", request, client);

    /// <summary>GET /api/flows.</summary>
    [Function("ListFlows")]
    public Task<IActionResult> ListFlows([HttpTrigger(AuthorizationLevel.Function, "get", Route = "flows")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync("ListFlows", request, client);

    /// <summary>GET /api/crews.</summary>
    [Function("ListCrews")]
    public Task<IActionResult> ListCrews([HttpTrigger(AuthorizationLevel.Function, "get", Route = "crews")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync("ListCrews", request, client);

    /// <summary>GET /api/crews/{crew}.</summary>
    [Function("GetCrew")]
    public Task<IActionResult> GetCrew([HttpTrigger(AuthorizationLevel.Function, "get", Route = "crews/{crew}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync("GetCrew", request, client);

    /// <summary>PUT /api/crews/{crew}.</summary>
    [Function("PutCrew")]
    public Task<IActionResult> PutCrew([HttpTrigger(AuthorizationLevel.Function, "put", Route = "crews/{crew}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync("PutCrew", request, client);

    /// <summary>DELETE /api/crews/{crew}.</summary>
    [Function("DeleteCrew")]
    public Task<IActionResult> DeleteCrew([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "crews/{crew}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync("DeleteCrew", request, client);

    /// <summary>GET /api/crews/{crew}/knowledge.</summary>
    [Function("ListCrewKnowledge")]
    public Task<IActionResult> ListCrewKnowledge([HttpTrigger(AuthorizationLevel.Function, "get", Route = "crews/{crew}/knowledge")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync("ListCrewKnowledge", request, client);

    /// <summary>GET /api/crews/{crew}/knowledge/search.</summary>
    [Function("SearchCrewKnowledge")]
    public Task<IActionResult> SearchCrewKnowledge([HttpTrigger(AuthorizationLevel.Function, "get", Route = "crews/{crew}/knowledge/search")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync("SearchCrewKnowledge", request, client);

    /// <summary>DELETE /api/crews/{crew}/knowledge.</summary>
    [Function("ResetCrewKnowledge")]
    public Task<IActionResult> ResetCrewKnowledge([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "crews/{crew}/knowledge")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync("ResetCrewKnowledge", request, client);

    /// <summary>POST /api/crews/validate.</summary>
    [Function("ValidateCrew")]
    public Task<IActionResult> ValidateCrew([HttpTrigger(AuthorizationLevel.Function, "post", Route = "crews/validate")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync("ValidateCrew", request, client);

    /// <summary>GET /api/runs.</summary>
    [Function("ListRuns")]
    public Task<IActionResult> ListRuns([HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync("ListRuns", request, client);

    /// <summary>GET /api/runs/{runId}.</summary>
    [Function("GetRun")]
    public Task<IActionResult> GetRun([HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs/{runId}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync("GetRun", request, client);

    /// <summary>GET /api/runs/{runId}/tasks/{task}.</summary>
    [Function("GetRunTask")]
    public Task<IActionResult> GetRunTask([HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs/{runId}/tasks/{task}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync("GetRunTask", request, client);

    /// <summary>GET /api/runs/{runId}/report.</summary>
    [Function("GetRunReport")]
    public Task<IActionResult> GetRunReport([HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs/{runId}/report")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync("GetRunReport", request, client);

    /// <summary>POST /api/runs/{runId}/terminate.</summary>
    [Function("TerminateRun")]
    public Task<IActionResult> TerminateRun([HttpTrigger(AuthorizationLevel.Function, "post", Route = "runs/{runId}/terminate")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync("TerminateRun", request, client);

    /// <summary>POST /api/runs/{runId}/events/{name}.</summary>
    [Function("RaiseRunEvent")]
    public Task<IActionResult> RaiseRunEvent([HttpTrigger(AuthorizationLevel.Function, "post", Route = "runs/{runId}/events/{name}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync("RaiseRunEvent", request, client);

    /// <summary>DELETE /api/runs/{runId}.</summary>
    [Function("DeleteRun")]
    public Task<IActionResult> DeleteRun([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "runs/{runId}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync("DeleteRun", request, client);

    /// <summary>POST /api/runs/{runId}/replay.</summary>
    [Function("ReplayRun")]
    public Task<IActionResult> ReplayRun([HttpTrigger(AuthorizationLevel.Function, "post", Route = "runs/{runId}/replay")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync("ReplayRun", request, client);

    /// <summary>GET /api/openapi.json.</summary>
    [Function("GetOpenApi")]
    public Task<IActionResult> GetOpenApi([HttpTrigger(AuthorizationLevel.Function, "get", Route = "openapi.json")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync("GetOpenApi", request, client);

    /// <summary>GET /api/health (a function key guards it too: a probe starts an orchestration).</summary>
    [Function("GetHealth")]
    public Task<IActionResult> GetHealth([HttpTrigger(AuthorizationLevel.Function, "get", Route = "health")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync("GetHealth", request, client);

    async Task<IActionResult> HandleAsync(string route, HttpRequest request, DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(request);
        var api = services.Api(client);
        var answer = await api.HandleAsync(route, await ApiHttp.ReadAsync(request, request.HttpContext.RequestAborted).ConfigureAwait(false), request.HttpContext.RequestAborted).ConfigureAwait(false);
        return new ApiResult(answer);
    }
}
