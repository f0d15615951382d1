using DurableCrews.Api;
using DurableCrews.Definitions;
using DurableCrews.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace DurableCrews.Functions.Http;

/// <summary>
/// The HTTP triggers: kick off a crew and read a run. Each parses, validates, calls one library method and maps
/// the result; errors are <c>application/problem+json</c>. Function keys guard both.
/// </summary>
public sealed class RunHttpFunctions(CrewCatalog crews, RunStore runs, TimeProvider time)
{
    /// <summary>POST /api/crews/{crew}/kickoff: validates and starts a run; 202 with the status URL.</summary>
    [Function("KickoffCrew")]
    public async Task<IActionResult> Kickoff(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "crews/{crew}/kickoff")] HttpRequest request,
        string crew,
        [DurableClient] DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength is > KickoffBody.MaxBytes)
        {
            return new ProblemResult(ApiProblem.TooLarge(KickoffBody.MaxBytes));
        }

        if (request.ContentLength is > 0 && request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return new ProblemResult(ApiProblem.UnsupportedMediaType(request.ContentType));
        }

        var body = await ReadBodyAsync(request).ConfigureAwait(false);
        if (body is null)
        {
            return new ProblemResult(ApiProblem.TooLarge(KickoffBody.MaxBytes));
        }

        var loaded = crews.Load(crew);
        if (loaded is null)
        {
            return new ProblemResult(ApiProblem.NotFound($"There is no crew named '{crew}'."));
        }

        var (kickoff, problems) = KickoffBody.Read(body);
        if (!loaded.Succeeded || kickoff is null)
        {
            return new ProblemResult(ApiProblem.Invalid([.. loaded.Problems, .. problems]));
        }

        try
        {
            string runId = await new CrewRunService(client, runs, time).KickoffAsync(loaded.Definition!, kickoff, request.HttpContext.RequestAborted).ConfigureAwait(false);
            string status = $"{request.Scheme}://{request.Host}/api/runs/{runId}";
            return new CrewJsonResult(new { RunId = runId, StatusUrl = status }, StatusCodes.Status202Accepted, status);
        }
        catch (CrewDefinitionException ex)
        {
            return new ProblemResult(ApiProblem.Invalid(ex.Problems));
        }
        catch (RunConflictException ex)
        {
            return new ProblemResult(ApiProblem.Conflict(ex.Message));
        }
    }

    /// <summary>GET /api/runs/{runId}: the run's status, progress and (once ended) output.</summary>
    [Function("GetRun")]
    public async Task<IActionResult> GetRun(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs/{runId}")] HttpRequest request,
        string runId,
        [DurableClient] DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(request);
        var view = await new CrewRunService(client, runs, time).GetAsync(runId, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return view is null
            ? new ProblemResult(ApiProblem.NotFound($"There is no run '{runId}'."))
            : new CrewJsonResult(view);
    }

    static async Task<byte[]?> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > KickoffBody.MaxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
