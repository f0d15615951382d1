namespace DurableCrews.Api;

/// <summary>
/// The run API's route table: every endpoint under <c>/api</c>, named by <see cref="ApiRoutes"/>, with its method,
/// template, summary and the resource handler that answers it. <see cref="CrewApi"/> routes by it, the OpenAPI
/// document and <c>durablecrews serve</c> are built from it, and each Functions HTTP trigger carries one of its names.
/// </summary>
public static class ApiRouteTable
{
    /// <summary>Every endpoint, under <c>/api</c>, with the handler that answers it.</summary>
    public static IReadOnlyList<ApiRoute> Routes { get; } =
    [
        new(ApiRoutes.KickoffCrew, "POST", "crews/{crew}/kickoff", "Start a run of a crew; 202 with the run's URLs, or 200 with its output when it ends within ?wait= seconds.", ["wait"], "{ \"inputs\": {…}, \"run_id\"?: \"…\", \"webhooks\"?: { \"step\", \"task\", \"run\" } }") { Handler = static (api, r, ct) => api.Kickoffs.KickoffCrewAsync(r, ct) },
        new(ApiRoutes.KickoffCrewBatch, "POST", "crews/{crew}/kickoff-batch", "Start one run per item, in parallel (CrewAI's kickoff_for_each), all or none; 202 with the batch id and the runs.", [], "{ \"items\": [ { \"inputs\": {…}, \"run_id\"?: \"…\" }, … ] }") { Handler = static (api, r, ct) => api.Kickoffs.KickoffBatchAsync(r, ct) },
        new(ApiRoutes.KickoffFlow, "POST", "flows/{flow}/kickoff", "Start a run of a bundled flow (several crews as one run); 202 with the run's URLs, or 200 with its output when it ends within ?wait= seconds.", ["wait"], "{ \"inputs\": {…}, \"run_id\"?: \"…\" }") { Handler = static (api, r, ct) => api.Kickoffs.KickoffFlowAsync(r, ct) },
        new(ApiRoutes.ListFlows, "GET", "flows", "The flows this app runs.", []) { Handler = static (api, r, ct) => Task.FromResult(api.Crews.ListFlows()) },
        new(ApiRoutes.ListCrews, "GET", "crews", "The crews this app runs, each with where it comes from: bundled (read-only) or uploaded.", []) { Handler = static (api, r, ct) => api.Crews.ListCrewsAsync(ct) },
        new(ApiRoutes.GetCrew, "GET", "crews/{crew}", "One crew's definition, as a crew document PUT takes back, and the inputs it needs.", []) { Handler = static (api, r, ct) => api.Crews.GetCrewAsync(r, ct) },
        new(ApiRoutes.PutCrew, "PUT", "crews/{crew}", "Upload a crew definition (YAML or JSON, one document with agents and tasks) after validation; bundled crews are read-only (409).", [], "a crew document") { Handler = static (api, r, ct) => api.Crews.PutCrewAsync(r, ct) },
        new(ApiRoutes.DeleteCrew, "DELETE", "crews/{crew}", "Delete an uploaded crew; bundled crews are read-only (409).", []) { Handler = static (api, r, ct) => api.Crews.DeleteCrewAsync(r, ct) },
        new(ApiRoutes.ListCrewKnowledge, "GET", "crews/{crew}/knowledge", "The crew's knowledge sources (crew and agent level): kind, chunks, and whether they are embedded as they are now.", []) { Handler = static (api, r, ct) => api.Knowledge.ListAsync(r, ct) },
        new(ApiRoutes.SearchCrewKnowledge, "GET", "crews/{crew}/knowledge/search", "The knowledge chunks most similar to ?q=, with their scores and sources (embeds sources not stored yet).", ["q", "top", "agent"]) { Handler = static (api, r, ct) => api.Knowledge.SearchAsync(r, ct) },
        new(ApiRoutes.ResetCrewKnowledge, "DELETE", "crews/{crew}/knowledge", "Delete the crew's stored knowledge; it is embedded again on the next run or search.", []) { Handler = static (api, r, ct) => api.Knowledge.ResetAsync(r, ct) },
        new(ApiRoutes.ValidateCrew, "POST", "crews/validate", "Check a crew definition without storing or running it.", [], "a crew document") { Handler = static (api, r, ct) => Task.FromResult(api.Crews.ValidateCrew(r)) },
        new(ApiRoutes.ListRuns, "GET", "runs", "List crew and flow runs, paged.", ["crew", "status", "from", "to", "page_size", "continuation_token"]) { Handler = static (api, r, ct) => api.Runs.ListRunsAsync(r, ct) },
        new(ApiRoutes.GetRun, "GET", "runs/{runId}", "A run's status, progress, usage, and output once it has ended.", []) { Handler = static (api, r, ct) => api.Runs.GetRunAsync(r, ct) },
        new(ApiRoutes.GetRunTask, "GET", "runs/{runId}/tasks/{task}", "One task's output.", []) { Handler = static (api, r, ct) => api.Runs.GetRunTaskAsync(r, ct) },
        new(ApiRoutes.GetRunReport, "GET", "runs/{runId}/report", "An ended run's report: durations, usage, cost, cache hits, delegations, retries, waits, throughput and a timeline; ?format=html (default), markdown or json.", ["format"]) { Handler = static (api, r, ct) => api.Runs.GetReportAsync(r, ct) },
        new(ApiRoutes.TerminateRun, "POST", "runs/{runId}/terminate", "Terminate a running run and everything working under it.", ["reason"]) { Handler = static (api, r, ct) => api.Runs.TerminateAsync(r, ct) },
        new(ApiRoutes.RaiseRunEvent, "POST", "runs/{runId}/events/{name}", "Raise an external event (human_input: {\"approved\": true} or {\"feedback\": \"…\"}) on the task that waits for it; 409 once the run has ended.", [], "any JSON") { Handler = static (api, r, ct) => api.Runs.RaiseEventAsync(r, ct) },
        new(ApiRoutes.DeleteRun, "DELETE", "runs/{runId}", "Delete an ended run: its history and its blobs.", []) { Handler = static (api, r, ct) => api.Runs.DeleteAsync(r, ct) },
        new(ApiRoutes.ReplayRun, "POST", "runs/{runId}/replay", "Start a new run that reuses the stored outputs of the tasks before ?from_task= (a crew run), or the state and results of the steps finished before the first run (or run ?iteration=) of ?from_step= (a flow run).", ["from_task", "from_step", "iteration", "run_id"]) { Handler = static (api, r, ct) => api.Runs.ReplayAsync(r, ct) },
        new(ApiRoutes.GetOpenApi, "GET", "openapi.json", "This API as an OpenAPI 3 document.", []) { Handler = static (_, _, _) => OpenApiAsync() },
        new(ApiRoutes.GetHealth, "GET", "health", "Whether storage answers; with ?probe=N (1 to 20) also whether the engine runs a probe of N bare activities within 30 s, and how long it took. 200 when healthy, 503 with the reason when not.", ["probe"]) { Handler = static (api, r, ct) => api.Health.GetAsync(r, ct) },
    ];

    static readonly Dictionary<string, ApiRoute> ByName = Routes.ToDictionary(r => r.Name, StringComparer.Ordinal);

    /// <summary>The endpoint named <paramref name="name"/>; null when there is none.</summary>
    internal static ApiRoute? Find(string name) => ByName.GetValueOrDefault(name);

    static Task<ApiResponse> OpenApiAsync() => Task.FromResult(new ApiResponse(200, OpenApiDocument.Build(Routes)));
}
