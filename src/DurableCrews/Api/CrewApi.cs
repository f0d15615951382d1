using System.Globalization;
using System.Text;
using System.Text.Json;
using DurableCrews.Definitions;
using DurableCrews.Reports;
using DurableCrews.Runs;
using Microsoft.DurableTask.Client;

namespace DurableCrews.Api;

/// <summary>
/// The run API, written once: every endpoint parses and validates its request, calls one service method and maps the
/// result to an answer. The Functions HTTP triggers and <c>durablecrews serve</c> only carry requests in and answers out.
/// </summary>
public sealed class CrewApi
{
    /// <summary>The most runs one batch kickoff starts.</summary>
    public const int MaxBatchItems = 100;

    /// <summary>The longest a kickoff may wait for its run (<c>?wait=</c>), in seconds.</summary>
    public const int MaxWaitSeconds = 230;

    /// <summary>Every endpoint, under <c>/api</c>.</summary>
    public static IReadOnlyList<ApiRoute> Routes { get; } =
    [
        new("KickoffCrew", "POST", "crews/{crew}/kickoff", "Start a run of a crew; 202 with the run's URLs, or 200 with its output when it ends within ?wait= seconds.", ["wait"], "{ \"inputs\": {…}, \"runId\"?: \"…\", \"webhooks\"?: { \"step\", \"task\", \"run\" } }"),
        new("KickoffCrewBatch", "POST", "crews/{crew}/kickoff-batch", "Start one run per item, in parallel (CrewAI's kickoff_for_each); 202 with the batch id and the runs.", [], "{ \"items\": [ { \"inputs\": {…}, \"runId\"?: \"…\" }, … ] }"),
        new("KickoffFlow", "POST", "flows/{flow}/kickoff", "Start a run of a bundled flow (several crews as one run); 202 with the run's URLs, or 200 with its output when it ends within ?wait= seconds.", ["wait"], "{ \"inputs\": {…}, \"runId\"?: \"…\" }"),
        new("ListFlows", "GET", "flows", "The flows this app runs.", []),
        new("ListCrews", "GET", "crews", "The crews this app runs: uploaded and bundled.", []),
        new("GetCrew", "GET", "crews/{crew}", "One crew's definition and the inputs it needs.", []),
        new("PutCrew", "PUT", "crews/{crew}", "Upload a crew definition (YAML or JSON, one document with agents and tasks) after validation.", [], "a crew document"),
        new("ValidateCrew", "POST", "crews/validate", "Check a crew definition without storing or running it.", [], "a crew document"),
        new("ListRuns", "GET", "runs", "List crew and flow runs, paged.", ["crew", "status", "from", "to", "pageSize", "continuationToken"]),
        new("GetRun", "GET", "runs/{runId}", "A run's status, progress, usage, and output once it has ended.", []),
        new("GetRunTask", "GET", "runs/{runId}/tasks/{task}", "One task's output.", []),
        new("GetRunReport", "GET", "runs/{runId}/report", "An ended run's report: durations, usage, cost, cache hits, delegations, retries, waits, throughput and a timeline; ?format=html (default), markdown or json.", ["format"]),
        new("TerminateRun", "POST", "runs/{runId}/terminate", "Terminate a running run and everything working under it.", ["reason"]),
        new("RaiseRunEvent", "POST", "runs/{runId}/events/{name}", "Raise an external event (human_input: {\"approved\": true} or {\"feedback\": \"…\"}) on the task that waits for it.", [], "any JSON"),
        new("DeleteRun", "DELETE", "runs/{runId}", "Delete an ended run: its history and its blobs.", []),
        new("ReplayRun", "POST", "runs/{runId}/replay", "Start a new run that reuses the stored outputs of the tasks before ?fromTask=.", ["fromTask", "runId"]),
        new("GetOpenApi", "GET", "openapi.json", "This API as an OpenAPI 3 document.", []),
    ];

    readonly CrewRunService runs;
    readonly FlowRunService flows;
    readonly CrewLibrary crews;
    readonly RunReportService reports;

    /// <summary>Creates the API over a host's client.</summary>
    public CrewApi(CrewRunService runs, FlowRunService flows, CrewLibrary crews, RunReportService reports)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(flows);
        ArgumentNullException.ThrowIfNull(crews);
        ArgumentNullException.ThrowIfNull(reports);
        this.runs = runs;
        this.flows = flows;
        this.crews = crews;
        this.reports = reports;
    }

    /// <summary>Answers a request to the endpoint <paramref name="route"/> (one of <see cref="Routes"/>' names).</summary>
    public Task<ApiResponse> HandleAsync(string route, ApiRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.BodyTooLarge)
        {
            return Task.FromResult(ApiResponse.Problem(ApiProblem.TooLarge(ApiRequest.MaxBodyBytes)));
        }

        return route switch
        {
            "KickoffCrew" => KickoffAsync(request, cancellationToken),
            "KickoffCrewBatch" => KickoffBatchAsync(request, cancellationToken),
            "KickoffFlow" => KickoffFlowAsync(request, cancellationToken),
            "ListFlows" => Task.FromResult(new ApiResponse(200, new { Flows = crews.FlowNames() })),
            "ListCrews" => ListCrewsAsync(cancellationToken),
            "GetCrew" => GetCrewAsync(request, cancellationToken),
            "PutCrew" => PutCrewAsync(request, cancellationToken),
            "ValidateCrew" => Task.FromResult(ValidateCrew(request)),
            "ListRuns" => ListRunsAsync(request, cancellationToken),
            "GetRun" => GetRunAsync(request, cancellationToken),
            "GetRunTask" => GetRunTaskAsync(request, cancellationToken),
            "GetRunReport" => GetReportAsync(request, cancellationToken),
            "TerminateRun" => TerminateAsync(request, cancellationToken),
            "RaiseRunEvent" => RaiseEventAsync(request, cancellationToken),
            "DeleteRun" => DeleteAsync(request, cancellationToken),
            "ReplayRun" => ReplayAsync(request, cancellationToken),
            "GetOpenApi" => Task.FromResult(new ApiResponse(200, OpenApiDocument.Build(Routes))),
            _ => Task.FromResult(ApiResponse.Problem(ApiProblem.NotFound($"There is no endpoint '{route}'."))),
        };
    }

    async Task<ApiResponse> KickoffAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        if (JsonBodyProblem(request) is { } unsupported)
        {
            return unsupported;
        }

        var problems = new List<DefinitionProblem>();
        int? wait = ReadWait(request, problems);
        var (kickoff, bodyProblems) = KickoffBody.Read(request.Body.Span);
        problems.AddRange(bodyProblems);
        var (crew, notFound) = await LoadCrewAsync(request, problems, cancellationToken).ConfigureAwait(false);
        if (notFound is not null)
        {
            return notFound;
        }

        if (crew is not null && kickoff is not null)
        {
            problems.AddRange(runs.Validate(crew, kickoff));
        }

        if (problems.Count > 0 || crew is null || kickoff is null)
        {
            return ApiResponse.Problem(ApiProblem.Invalid(problems));
        }

        string runId;
        try
        {
            runId = await runs.KickoffAsync(crew, kickoff, cancellationToken).ConfigureAwait(false);
        }
        catch (CrewDefinitionException ex)
        {
            return ApiResponse.Problem(ApiProblem.Invalid(ex.Problems));
        }
        catch (RunConflictException ex)
        {
            return ApiResponse.Problem(ApiProblem.Conflict(ex.Message));
        }

        return await AcceptedOrEndedAsync(request, runId, wait, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>202 with the run's URLs; or, with <c>?wait=</c>, 200 with the run once it has ended within that many seconds.</summary>
    async Task<ApiResponse> AcceptedOrEndedAsync(ApiRequest request, string runId, int? wait, CancellationToken cancellationToken)
    {
        if (wait is int seconds && seconds > 0)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(TimeSpan.FromSeconds(seconds));
            try
            {
                var view = await runs.WaitAsync(runId, cancellationToken: limit.Token).ConfigureAwait(false);
                return new ApiResponse(200, view, Url(request, $"runs/{runId}"));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Still running: answer as without a wait.
            }
        }

        return Accepted(request, runId);
    }

    static int? ReadWait(ApiRequest request, List<DefinitionProblem> problems)
    {
        if (!request.Query.TryGetValue("wait", out string? text))
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) && seconds <= MaxWaitSeconds)
        {
            return seconds;
        }

        problems.Add(new DefinitionProblem("query.wait", $"must be a whole number of seconds from 0 to {MaxWaitSeconds}"));
        return null;
    }

    async Task<ApiResponse> KickoffFlowAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        if (JsonBodyProblem(request) is { } unsupported)
        {
            return unsupported;
        }

        var all = new List<DefinitionProblem>();
        int? wait = ReadWait(request, all);
        var (kickoff, problems) = KickoffBody.Read(request.Body.Span);
        all.AddRange(problems);

        string name = request.RouteValue("flow");
        var loaded = crews.LoadFlow(name);
        if (loaded is null)
        {
            return ApiResponse.Problem(ApiProblem.NotFound($"There is no flow named '{name}'."));
        }

        all.AddRange(loaded.Problems);
        if (loaded.Definition is { } flow && kickoff is not null)
        {
            all.AddRange(FlowRunService.Validate(flow, kickoff));
        }

        if (all.Count > 0 || loaded.Definition is null || kickoff is null)
        {
            return ApiResponse.Problem(ApiProblem.Invalid(all));
        }

        try
        {
            string runId = await flows.KickoffAsync(loaded.Definition, kickoff, cancellationToken).ConfigureAwait(false);
            return await AcceptedOrEndedAsync(request, runId, wait, cancellationToken).ConfigureAwait(false);
        }
        catch (RunConflictException ex)
        {
            return ApiResponse.Problem(ApiProblem.Conflict(ex.Message));
        }
    }

    async Task<ApiResponse> KickoffBatchAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        if (JsonBodyProblem(request) is { } unsupported)
        {
            return unsupported;
        }

        var problems = new List<DefinitionProblem>();
        var kickoffs = new List<KickoffRequest>();
        try
        {
            using var document = JsonDocument.Parse(request.Body);
            var items = document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement
                : document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("items", out var listed) ? listed
                : default;
            if (items.ValueKind != JsonValueKind.Array || items.GetArrayLength() == 0)
            {
                problems.Add(new DefinitionProblem("body.items", "required: a non-empty list of kickoffs ({ \"inputs\": {…}, \"runId\"?: … })"));
            }
            else if (items.GetArrayLength() > MaxBatchItems)
            {
                problems.Add(new DefinitionProblem("body.items", $"holds {items.GetArrayLength()} kickoffs; at most {MaxBatchItems} per batch"));
            }
            else
            {
                int index = 0;
                foreach (var item in items.EnumerateArray())
                {
                    var (kickoff, itemProblems) = KickoffBody.Read(item, $"body.items[{index++}]");
                    problems.AddRange(itemProblems);
                    kickoffs.Add(kickoff ?? new KickoffRequest());
                }
            }
        }
        catch (JsonException ex)
        {
            problems.Add(new DefinitionProblem("body", $"is not valid JSON: {ex.Message}"));
        }

        var (crew, notFound) = await LoadCrewAsync(request, problems, cancellationToken).ConfigureAwait(false);
        if (notFound is not null)
        {
            return notFound;
        }

        if (crew is not null)
        {
            for (int i = 0; i < kickoffs.Count; i++)
            {
                problems.AddRange(runs.Validate(crew, kickoffs[i]).Select(p => p with { Path = $"body.items[{i}].{p.Path}" }));
            }
        }

        if (problems.Count > 0 || crew is null)
        {
            return ApiResponse.Problem(ApiProblem.Invalid(problems));
        }

        string batchId = CrewRunService.NewRunId($"{crew.Name}-batch", DateTimeOffset.UtcNow);
        var started = new List<object>();
        for (int i = 0; i < kickoffs.Count; i++)
        {
            var kickoff = kickoffs[i] with { RunId = kickoffs[i].RunId ?? $"{batchId}-{i + 1}" };
            try
            {
                string runId = await runs.KickoffAsync(crew, kickoff, cancellationToken).ConfigureAwait(false);
                started.Add(new { RunId = runId, StatusUrl = Url(request, $"runs/{runId}") });
            }
            catch (RunConflictException ex)
            {
                started.Add(new { kickoff.RunId, Error = ex.Message });
            }
        }

        return new ApiResponse(202, new { BatchId = batchId, Crew = crew.Name, Runs = started });
    }

    async Task<ApiResponse> ListCrewsAsync(CancellationToken cancellationToken) =>
        new(200, new { Crews = await crews.NamesAsync(cancellationToken).ConfigureAwait(false) });

    async Task<ApiResponse> GetCrewAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var problems = new List<DefinitionProblem>();
        var (crew, notFound) = await LoadCrewAsync(request, problems, cancellationToken).ConfigureAwait(false);
        return notFound ?? (crew is null
            ? ApiResponse.Problem(ApiProblem.Invalid(problems))
            : new ApiResponse(200, new { Crew = crew, Inputs = CrewInputs.RequiredInputs(crew) }));
    }

    async Task<ApiResponse> PutCrewAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        if (DocumentProblem(request) is { } unsupported)
        {
            return unsupported;
        }

        string name = request.RouteValue("crew");
        var result = await crews.SaveAsync(name, Encoding.UTF8.GetString(request.Body.Span), cancellationToken).ConfigureAwait(false);
        return result.Succeeded
            ? new ApiResponse(200, new { Crew = name, Stored = true, Inputs = CrewInputs.RequiredInputs(result.Definition!), result.Warnings }, Url(request, $"crews/{name}"))
            : ApiResponse.Problem(ApiProblem.Invalid(result.Problems));
    }

    static ApiResponse ValidateCrew(ApiRequest request)
    {
        if (DocumentProblem(request) is { } unsupported)
        {
            return unsupported;
        }

        var result = CrewDefinitionLoader.Parse(Encoding.UTF8.GetString(request.Body.Span), "crew");
        return result.Succeeded
            ? new ApiResponse(200, new { Valid = true, result.Definition!.Name, Process = result.Definition.Process.ToString().ToLowerInvariant(), Agents = result.Definition.Agents.Count, Tasks = result.Definition.Tasks.Count, Inputs = CrewInputs.RequiredInputs(result.Definition), result.Warnings })
            : ApiResponse.Problem(ApiProblem.Invalid(result.Problems));
    }

    async Task<ApiResponse> ListRunsAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var problems = new List<DefinitionProblem>();
        var query = new RunListQuery
        {
            Crew = request.Query.GetValueOrDefault("crew"),
            Status = ParseQuery<CrewRunStatus>(request, "status", problems, text => Enum.TryParse<CrewRunStatus>(text, ignoreCase: true, out var s) && Enum.IsDefined(s) ? s : null, "one of " + string.Join(", ", Enum.GetNames<CrewRunStatus>())),
            From = ParseQuery(request, "from", problems, ParseTime, "an ISO 8601 time"),
            To = ParseQuery(request, "to", problems, ParseTime, "an ISO 8601 time"),
            PageSize = ParseQuery(request, "pageSize", problems, text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 100 ? n : (int?)null, "a whole number from 1 to 100") ?? 50,
            ContinuationToken = request.Query.GetValueOrDefault("continuationToken"),
        };
        if (query.Crew is { } crew && !DefinitionNames.IsValid(crew))
        {
            problems.Add(new DefinitionProblem("query.crew", $"'{crew}' {DefinitionNames.Rule()}"));
        }

        if (problems.Count > 0)
        {
            return ApiResponse.Problem(ApiProblem.Invalid(problems));
        }

        return new ApiResponse(200, await runs.ListAsync(query, cancellationToken).ConfigureAwait(false));
    }

    async Task<ApiResponse> GetRunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        string runId = request.RouteValue("runId");
        return await runs.GetAsync(runId, cancellationToken).ConfigureAwait(false) is { } view
            ? new ApiResponse(200, view)
            : RunNotFound(runId);
    }

    async Task<ApiResponse> GetRunTaskAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        string runId = request.RouteValue("runId");
        string task = request.RouteValue("task");
        return await runs.GetTaskAsync(runId, task, cancellationToken).ConfigureAwait(false) is { } output
            ? new ApiResponse(200, output)
            : ApiResponse.Problem(ApiProblem.NotFound($"Run '{runId}' has no finished task named '{task}'."));
    }

    async Task<ApiResponse> GetReportAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        string runId = request.RouteValue("runId");
        string format = request.Query.GetValueOrDefault("format") ?? "html";
        if (format is not ("html" or "markdown" or "md" or "json"))
        {
            return ApiResponse.Problem(ApiProblem.Invalid([new DefinitionProblem("query.format", $"'{format}' is not one of html, markdown, json")]));
        }

        if (await reports.GetAsync(runId, cancellationToken).ConfigureAwait(false) is not { } report)
        {
            return ApiResponse.Problem(ApiProblem.NotFound($"There is no ended run '{runId}' to report on."));
        }

        return format switch
        {
            "json" => new ApiResponse(200, report),
            "html" => new ApiResponse(200, new ApiText(RunReportHtml.Render(report), "text/html; charset=utf-8")),
            _ => new ApiResponse(200, new ApiText(RunReportMarkdown.Render(report), "text/markdown; charset=utf-8")),
        };
    }

    async Task<ApiResponse> TerminateAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        string runId = request.RouteValue("runId");
        string reason = request.Query.GetValueOrDefault("reason") ?? "Terminated through the API.";
        return await runs.TerminateAsync(runId, reason, cancellationToken).ConfigureAwait(false) switch
        {
            RunActionResult.Done => new ApiResponse(202, new { RunId = runId, Status = "Terminating", StatusUrl = Url(request, $"runs/{runId}") }),
            RunActionResult.Conflict => ApiResponse.Problem(ApiProblem.Conflict($"Run '{runId}' has ended; there is nothing to terminate.")),
            _ => RunNotFound(runId),
        };
    }

    async Task<ApiResponse> RaiseEventAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        if (JsonBodyProblem(request) is { } unsupported)
        {
            return unsupported;
        }

        string runId = request.RouteValue("runId");
        string name = request.RouteValue("name");
        JsonElement? payload = null;
        if (!request.Body.IsEmpty)
        {
            try
            {
                using var document = JsonDocument.Parse(request.Body);
                payload = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                return ApiResponse.Problem(ApiProblem.Invalid([new DefinitionProblem("body", $"is not valid JSON: {ex.Message}")]));
            }
        }

        try
        {
            return await runs.RaiseEventAsync(runId, name, payload, cancellationToken).ConfigureAwait(false) is { } instance
                ? new ApiResponse(202, new { RunId = runId, Event = name, Instance = instance })
                : RunNotFound(runId);
        }
        catch (CrewDefinitionException ex)
        {
            return ApiResponse.Problem(ApiProblem.Invalid(ex.Problems));
        }
    }

    async Task<ApiResponse> DeleteAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        string runId = request.RouteValue("runId");
        return await runs.DeleteAsync(runId, cancellationToken).ConfigureAwait(false) switch
        {
            RunActionResult.Done => new ApiResponse(200, new { RunId = runId, Deleted = true }),
            RunActionResult.Conflict => ApiResponse.Problem(ApiProblem.Conflict($"Run '{runId}' is still running; terminate it first.")),
            _ => RunNotFound(runId),
        };
    }

    async Task<ApiResponse> ReplayAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        string runId = request.RouteValue("runId");
        if (request.Query.GetValueOrDefault("fromTask") is not { Length: > 0 } fromTask)
        {
            return ApiResponse.Problem(ApiProblem.Invalid([new DefinitionProblem("query.fromTask", "required: the task to run again from")]));
        }

        try
        {
            return await runs.ReplayAsync(runId, fromTask, request.Query.GetValueOrDefault("runId"), cancellationToken).ConfigureAwait(false) is { } replay
                ? Accepted(request, replay)
                : RunNotFound(runId);
        }
        catch (CrewDefinitionException ex)
        {
            return ApiResponse.Problem(ApiProblem.Invalid(ex.Problems));
        }
        catch (RunConflictException ex)
        {
            return ApiResponse.Problem(ApiProblem.Conflict(ex.Message));
        }
    }

    async Task<(CrewDefinition? Crew, ApiResponse? NotFound)> LoadCrewAsync(ApiRequest request, List<DefinitionProblem> problems, CancellationToken cancellationToken)
    {
        string name = request.RouteValue("crew");
        var loaded = await crews.LoadAsync(name, cancellationToken).ConfigureAwait(false);
        if (loaded is null)
        {
            return (null, ApiResponse.Problem(ApiProblem.NotFound($"There is no crew named '{name}'.")));
        }

        problems.AddRange(loaded.Problems);
        return (loaded.Definition, null);
    }

    static ApiResponse Accepted(ApiRequest request, string runId)
    {
        string status = Url(request, $"runs/{runId}");
        return new ApiResponse(
            202,
            new
            {
                RunId = runId,
                Status = CrewRunStatus.Pending,
                StatusUrl = status,
                TerminateUrl = $"{status}/terminate",
                EventUrl = $"{status}/events/{{name}}",
            },
            status);
    }

    static ApiResponse RunNotFound(string runId) => ApiResponse.Problem(ApiProblem.NotFound($"There is no run '{runId}'."));

    static string Url(ApiRequest request, string path) => $"{request.BaseAddress.ToString().TrimEnd('/')}/{path}";

    static ApiResponse? JsonBodyProblem(ApiRequest request) =>
        !request.Body.IsEmpty && request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) != true
            ? ApiResponse.Problem(ApiProblem.UnsupportedMediaType(request.ContentType))
            : null;

    static ApiResponse? DocumentProblem(ApiRequest request)
    {
        string type = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant() ?? string.Empty;
        if (type is not ("application/json" or "application/yaml" or "application/x-yaml" or "text/yaml" or "text/x-yaml"))
        {
            return ApiResponse.Problem(ApiProblem.UnsupportedMediaType(request.ContentType) with { Detail = $"Send a crew as application/yaml or application/json, not '{request.ContentType ?? "(none)"}'." });
        }

        return request.Body.IsEmpty ? ApiResponse.Problem(ApiProblem.Invalid([new DefinitionProblem("body", "required: a crew document with agents and tasks")])) : null;
    }

    static T? ParseQuery<T>(ApiRequest request, string name, List<DefinitionProblem> problems, Func<string, T?> parse, string expected)
        where T : struct
    {
        if (!request.Query.TryGetValue(name, out string? text) || text.Length == 0)
        {
            return null;
        }

        var value = parse(text);
        if (value is null)
        {
            problems.Add(new DefinitionProblem($"query.{name}", $"'{text}' is not {expected}"));
        }

        return value;
    }

    static DateTimeOffset? ParseTime(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
}
