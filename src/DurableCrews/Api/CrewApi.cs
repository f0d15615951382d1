using System.Diagnostics;
using DurableCrews.Reports;
using Microsoft.Extensions.Logging;

namespace DurableCrews.Api;

/// <summary>
/// The run API's router: one dispatch that hands each request to the handler its <see cref="ApiRouteTable"/> entry
/// names, on the resource's handler (<see cref="KickoffEndpoints"/>, <see cref="CrewEndpoints"/>, <see cref="RunEndpoints"/>). Whatever a
/// handler throws becomes a 500 problem with a trace id, logged; the Functions HTTP triggers and
/// <c>durablecrews serve</c> only carry requests in and answers out.
/// </summary>
public sealed class CrewApi
{
    /// <summary>Every endpoint, under <c>/api</c>, with the handler that answers it: <see cref="ApiRouteTable.Routes"/>.</summary>
    public static IReadOnlyList<ApiRoute> Routes => ApiRouteTable.Routes;

    readonly ILogger logger;

    /// <summary>Creates the API over a host's client.</summary>
    public CrewApi(CrewRunService runs, FlowRunService flows, CrewLibrary crews, Agents.CrewKnowledge knowledge, RunReportService reports, ApiLinks links, ILogger<CrewApi> logger, EngineProbe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        Health = new HealthEndpoints(probe);
        ArgumentNullException.ThrowIfNull(knowledge);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(flows);
        ArgumentNullException.ThrowIfNull(crews);
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(links);
        ArgumentNullException.ThrowIfNull(logger);
        Kickoffs = new KickoffEndpoints(runs, flows, crews, links);
        Crews = new CrewEndpoints(crews, links);
        Runs = new RunEndpoints(runs, flows, reports, links, Kickoffs.Accepted);
        Knowledge = new KnowledgeEndpoints(crews, knowledge);
        this.logger = logger;
    }

    /// <summary>The handler of kickoffs (crews, batches, flows).</summary>
    internal KickoffEndpoints Kickoffs { get; }

    /// <summary>The handler of crews and flows as resources.</summary>
    internal CrewEndpoints Crews { get; }

    /// <summary>The handler of runs.</summary>
    internal RunEndpoints Runs { get; }

    /// <summary>The handler of a crew's knowledge.</summary>
    internal KnowledgeEndpoints Knowledge { get; }

    /// <summary>The handler of the health probe.</summary>
    internal HealthEndpoints Health { get; }

    /// <summary>Answers a request to the endpoint <paramref name="route"/> (one of <see cref="Routes"/>' names); never throws for a bad request.</summary>
    public async Task<ApiResponse> HandleAsync(string route, ApiRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.BodyTooLarge)
        {
            return ApiResponse.Problem(ApiProblem.TooLarge(ApiRequest.MaxBodyBytes));
        }

        try
        {
            return await DispatchAsync(route, request, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            string traceId = Activity.Current?.TraceId.ToString() ?? Guid.NewGuid().ToString("N");
            logger.LogError(ex, "{Route} failed unexpectedly (trace id {TraceId})", route, traceId);
            return ApiResponse.Problem(ApiProblem.Unexpected(traceId));
        }
    }

    Task<ApiResponse> DispatchAsync(string route, ApiRequest request, CancellationToken cancellationToken) =>
        ApiRouteTable.Find(route)?.Handler is { } handle
            ? handle(this, request, cancellationToken)
            : Task.FromResult(ApiResponse.Problem(ApiProblem.NotFound($"There is no endpoint '{route}'.")));
}
