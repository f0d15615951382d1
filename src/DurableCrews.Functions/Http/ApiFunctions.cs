using DurableCrews.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace DurableCrews.Functions.Http;

/// <summary>
/// The run API's HTTP triggers, one per endpoint of <see cref="ApiRouteTable.Routes"/>: each hands its request to the
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
    [Function(ApiRoutes.KickoffCrew)]
    public Task<IActionResult> KickoffCrew([HttpTrigger(AuthorizationLevel.Function, "post", Route = "crews/{crew}/kickoff")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync(ApiRoutes.KickoffCrew, request, client);

    /// <summary>POST /api/crews/{crew}/kickoff-batch.</summary>
    [Function(ApiRoutes.KickoffCrewBatch)]
    public Task<IActionResult> KickoffCrewBatch([HttpTrigger(AuthorizationLevel.Function, "post", Route = "crews/{crew}/kickoff-batch")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync(ApiRoutes.KickoffCrewBatch, request, client);

    /// <summary>POST /api/flows/{flow}/kickoff.</summary>
    [Function(ApiRoutes.KickoffFlow)]
    public Task<IActionResult> KickoffFlow([HttpTrigger(AuthorizationLevel.Function, "post", Route = "flows/{flow}/kickoff")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync(ApiRoutes.KickoffFlow, request, client);

    /// <summary>GET /api/flows.</summary>
    [Function(ApiRoutes.ListFlows)]
    public Task<IActionResult> ListFlows([HttpTrigger(AuthorizationLevel.Function, "get", Route = "flows")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync(ApiRoutes.ListFlows, request, client);

    /// <summary>GET /api/crews.</summary>
    [Function(ApiRoutes.ListCrews)]
    public Task<IActionResult> ListCrews([HttpTrigger(AuthorizationLevel.Function, "get", Route = "crews")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync(ApiRoutes.ListCrews, request, client);

    /// <summary>GET /api/crews/{crew}.</summary>
    [Function(ApiRoutes.GetCrew)]
    public Task<IActionResult> GetCrew([HttpTrigger(AuthorizationLevel.Function, "get", Route = "crews/{crew}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync(ApiRoutes.GetCrew, request, client);

    /// <summary>PUT /api/crews/{crew}.</summary>
    [Function(ApiRoutes.PutCrew)]
    public Task<IActionResult> PutCrew([HttpTrigger(AuthorizationLevel.Function, "put", Route = "crews/{crew}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync(ApiRoutes.PutCrew, request, client);

    /// <summary>DELETE /api/crews/{crew}.</summary>
    [Function(ApiRoutes.DeleteCrew)]
    public Task<IActionResult> DeleteCrew([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "crews/{crew}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync(ApiRoutes.DeleteCrew, request, client);

    /// <summary>GET /api/crews/{crew}/knowledge.</summary>
    [Function(ApiRoutes.ListCrewKnowledge)]
    public Task<IActionResult> ListCrewKnowledge([HttpTrigger(AuthorizationLevel.Function, "get", Route = "crews/{crew}/knowledge")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync(ApiRoutes.ListCrewKnowledge, request, client);

    /// <summary>GET /api/crews/{crew}/knowledge/search.</summary>
    [Function(ApiRoutes.SearchCrewKnowledge)]
    public Task<IActionResult> SearchCrewKnowledge([HttpTrigger(AuthorizationLevel.Function, "get", Route = "crews/{crew}/knowledge/search")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync(ApiRoutes.SearchCrewKnowledge, request, client);

    /// <summary>DELETE /api/crews/{crew}/knowledge.</summary>
    [Function(ApiRoutes.ResetCrewKnowledge)]
    public Task<IActionResult> ResetCrewKnowledge([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "crews/{crew}/knowledge")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync(ApiRoutes.ResetCrewKnowledge, request, client);

    /// <summary>POST /api/crews/validate.</summary>
    [Function(ApiRoutes.ValidateCrew)]
    public Task<IActionResult> ValidateCrew([HttpTrigger(AuthorizationLevel.Function, "post", Route = "crews/validate")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync(ApiRoutes.ValidateCrew, request, client);

    /// <summary>GET /api/runs.</summary>
    [Function(ApiRoutes.ListRuns)]
    public Task<IActionResult> ListRuns([HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync(ApiRoutes.ListRuns, request, client);

    /// <summary>GET /api/runs/{runId}.</summary>
    [Function(ApiRoutes.GetRun)]
    public Task<IActionResult> GetRun([HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs/{runId}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync(ApiRoutes.GetRun, request, client);

    /// <summary>GET /api/runs/{runId}/tasks/{task}.</summary>
    [Function(ApiRoutes.GetRunTask)]
    public Task<IActionResult> GetRunTask([HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs/{runId}/tasks/{task}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync(ApiRoutes.GetRunTask, request, client);

    /// <summary>GET /api/runs/{runId}/report.</summary>
    [Function(ApiRoutes.GetRunReport)]
    public Task<IActionResult> GetRunReport([HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs/{runId}/report")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync(ApiRoutes.GetRunReport, request, client);

    /// <summary>POST /api/runs/{runId}/terminate.</summary>
    [Function(ApiRoutes.TerminateRun)]
    public Task<IActionResult> TerminateRun([HttpTrigger(AuthorizationLevel.Function, "post", Route = "runs/{runId}/terminate")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync(ApiRoutes.TerminateRun, request, client);

    /// <summary>POST /api/runs/{runId}/events/{name}.</summary>
    [Function(ApiRoutes.RaiseRunEvent)]
    public Task<IActionResult> RaiseRunEvent([HttpTrigger(AuthorizationLevel.Function, "post", Route = "runs/{runId}/events/{name}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync(ApiRoutes.RaiseRunEvent, request, client);

    /// <summary>DELETE /api/runs/{runId}.</summary>
    [Function(ApiRoutes.DeleteRun)]
    public Task<IActionResult> DeleteRun([HttpTrigger(AuthorizationLevel.Function, "delete", Route = "runs/{runId}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync(ApiRoutes.DeleteRun, request, client);

    /// <summary>POST /api/runs/{runId}/replay.</summary>
    [Function(ApiRoutes.ReplayRun)]
    public Task<IActionResult> ReplayRun([HttpTrigger(AuthorizationLevel.Function, "post", Route = "runs/{runId}/replay")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync(ApiRoutes.ReplayRun, request, client);

    /// <summary>GET /api/openapi.json.</summary>
    [Function(ApiRoutes.GetOpenApi)]
    public Task<IActionResult> GetOpenApi([HttpTrigger(AuthorizationLevel.Function, "get", Route = "openapi.json")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync(ApiRoutes.GetOpenApi, request, client);

    /// <summary>GET /api/health (a function key guards it too: a probe starts an orchestration).</summary>
    [Function(ApiRoutes.GetHealth)]
    public Task<IActionResult> GetHealth([HttpTrigger(AuthorizationLevel.Function, "get", Route = "health")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HandleAsync(ApiRoutes.GetHealth, request, client);

    async Task<IActionResult> HandleAsync(string route, HttpRequest request, DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(request);
        var api = services.Api(client);
        var answer = await api.HandleAsync(route, await ApiHttp.ReadAsync(request, request.HttpContext.RequestAborted).ConfigureAwait(false), request.HttpContext.RequestAborted).ConfigureAwait(false);
        return new ApiResult(answer);
    }
}
