using System.Globalization;
using System.Text.Json;
using DurableCrews.Definitions;
using DurableCrews.Reports;
using DurableCrews.Runs;

namespace DurableCrews.Api;

/// <summary>The endpoints of runs: list, read, report, terminate, raise events, delete, replay.</summary>
internal sealed class RunEndpoints(CrewRunService runs, FlowRunService flows, RunReportService reports, ApiLinks links, Func<string, ApiResponse> accepted)
{
    /// <summary>The event a <c>human_input</c> task waits for.</summary>
    public const string HumanInputEvent = "human_input";

    public async Task<ApiResponse> ListRunsAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var problems = new List<DefinitionProblem>();
        var query = new RunListQuery
        {
            Crew = ApiRequestChecks.Query(request, "crew"),
            Status = ApiRequestChecks.ParseQuery<CrewRunStatus>(request, "status", null, problems, text => Enum.TryParse<CrewRunStatus>(text, ignoreCase: true, out var s) && Enum.IsDefined(s) && !int.TryParse(text, out _) ? s : null, "one of " + string.Join(", ", Enum.GetNames<CrewRunStatus>())),
            From = ApiRequestChecks.ParseQuery(request, "from", null, problems, ApiRequestChecks.ParseTime, "an ISO 8601 time"),
            To = ApiRequestChecks.ParseQuery(request, "to", null, problems, ApiRequestChecks.ParseTime, "an ISO 8601 time"),
            PageSize = ApiRequestChecks.ParseQuery(request, "page_size", "pageSize", problems, text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 100 ? n : (int?)null, "a whole number from 1 to 100") ?? 50,
            ContinuationToken = ApiRequestChecks.Query(request, "continuation_token", "continuationToken"),
        };
        if (query.Crew is { } crew && !DefinitionNames.IsValid(crew))
        {
            problems.Add(new DefinitionProblem("query.crew", $"'{ApiRequestChecks.Shorten(crew)}' {DefinitionNames.Rule()}"));
        }

        if (problems.Count > 0)
        {
            return ApiResponse.Problem(ApiProblem.Invalid(problems));
        }

        try
        {
            return new ApiResponse(200, await runs.ListAsync(query, cancellationToken).ConfigureAwait(false));
        }
        catch (CrewDefinitionException ex)
        {
            return ApiResponse.Problem(ApiProblem.Invalid(ex.Problems));
        }
    }

    public async Task<ApiResponse> GetRunAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        string runId = request.RouteValue("runId");
        return await runs.GetAsync(runId, cancellationToken).ConfigureAwait(false) is { } view
            ? new ApiResponse(200, view)
            : RunNotFound(runId);
    }

    public async Task<ApiResponse> GetRunTaskAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        string runId = request.RouteValue("runId");
        string task = request.RouteValue("task");
        return await runs.GetTaskAsync(runId, task, cancellationToken).ConfigureAwait(false) is { } output
            ? new ApiResponse(200, output)
            : ApiResponse.Problem(ApiProblem.NotFound($"Run '{runId}' has no finished task named '{task}'."));
    }

    public async Task<ApiResponse> GetReportAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        string runId = request.RouteValue("runId");
        string format = ApiRequestChecks.Query(request, "format") ?? "html";
        if (format is not ("html" or "markdown" or "md" or "json"))
        {
            return ApiResponse.Problem(ApiProblem.Invalid([new DefinitionProblem("query.format", $"'{ApiRequestChecks.Shorten(format)}' is not one of html, markdown, json")]));
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

    public async Task<ApiResponse> TerminateAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        string runId = request.RouteValue("runId");
        string reason = ApiRequestChecks.Query(request, "reason") is { } given ? ApiRequestChecks.Shorten(given) : "Terminated through the API.";
        return await runs.TerminateAsync(runId, reason, cancellationToken: cancellationToken).ConfigureAwait(false) switch
        {
            RunActionResult.Done => new ApiResponse(202, new { RunId = runId, Status = CrewRunStatus.Terminated, Ending = true, StatusUrl = links.To($"runs/{runId}") }),
            RunActionResult.Conflict => ApiResponse.Problem(ApiProblem.Conflict($"Run '{runId}' has ended; there is nothing to terminate.")),
            _ => RunNotFound(runId),
        };
    }

    public async Task<ApiResponse> RaiseEventAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        if (ApiRequestChecks.JsonBodyProblem(request) is { } unsupported)
        {
            return unsupported;
        }

        string runId = request.RouteValue("runId");
        string name = request.RouteValue("name");
        var problems = new List<DefinitionProblem>();
        JsonElement? payload = null;
        if (!request.Body.IsEmpty)
        {
            using var document = JsonBody.Parse(request.Body, "body", out var invalid);
            if (document is null)
            {
                return ApiResponse.Problem(ApiProblem.Invalid([invalid!]));
            }

            payload = document.RootElement.Clone();
        }

        if (name == HumanInputEvent)
        {
            problems.AddRange(HumanInputProblems(payload));
        }
        else if (name == Orchestration.Flows.HumanFeedbackAnswer.EventName)
        {
            problems.AddRange(HumanFeedbackProblems(payload));
        }

        if (problems.Count > 0)
        {
            return ApiResponse.Problem(ApiProblem.Invalid(problems));
        }

        try
        {
            return await runs.RaiseEventAsync(runId, name, payload, cancellationToken).ConfigureAwait(false) switch
            {
                { Result: RunActionResult.Done } raised => new ApiResponse(202, new { RunId = runId, Event = name, raised.Instance }),
                { Result: RunActionResult.Conflict, RunStatus: var status } conflict => ApiResponse.Problem(
                    ApiProblem.Conflict(conflict.Reason ?? $"'{runId}' has ended (the run is {status}); no task waits for '{name}'.") with { RunStatus = status?.ToString() }),
                _ => RunNotFound(runId),
            };
        }
        catch (CrewDefinitionException ex)
        {
            return ApiResponse.Problem(ApiProblem.Invalid(ex.Problems));
        }
    }

    /// <summary>A flow's <c>human_feedback</c> payload: <c>{"outcome": "…", "feedback"?: "…"}</c> or the outcome as a string.</summary>
    static IEnumerable<DefinitionProblem> HumanFeedbackProblems(JsonElement? payload)
    {
        const string Shape = "must be {\"outcome\": \"one of the step's outcomes\", \"feedback\": \"optional text\"} or the outcome as a string";
        if (payload is { ValueKind: JsonValueKind.String } text)
        {
            if (!DefinitionNames.IsValid(text.GetString()?.Trim()))
            {
                yield return new DefinitionProblem("body", Shape);
            }

            yield break;
        }

        if (payload is not { ValueKind: JsonValueKind.Object } body || !body.TryGetProperty("outcome", out var outcome)
            || outcome.ValueKind != JsonValueKind.String || !DefinitionNames.IsValid(outcome.GetString()?.Trim()))
        {
            yield return new DefinitionProblem("body.outcome", Shape);
            yield break;
        }

        foreach (var property in body.EnumerateObject().Where(p => p.Name != "outcome"))
        {
            if (property.Name != "feedback")
            {
                yield return new DefinitionProblem($"body.{property.Name}", "unknown field; known fields: outcome, feedback");
            }
            else if (property.Value.ValueKind != JsonValueKind.String)
            {
                yield return new DefinitionProblem("body.feedback", "must be text");
            }
        }
    }

    /// <summary>A <c>human_input</c> payload: <c>{"approved": true}</c> or <c>{"feedback": "…"}</c>, nothing else.</summary>
    static IEnumerable<DefinitionProblem> HumanInputProblems(JsonElement? payload)
    {
        if (payload is not { ValueKind: JsonValueKind.Object } body)
        {
            yield return new DefinitionProblem("body", "must be {\"approved\": true} or {\"feedback\": \"what to change\"}");
            yield break;
        }

        bool any = false;
        foreach (var property in body.EnumerateObject())
        {
            any = true;
            switch (property.Name)
            {
                case "approved" when property.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False):
                    yield return new DefinitionProblem("body.approved", "must be true or false");
                    break;
                case "feedback" when property.Value.ValueKind != JsonValueKind.String || property.Value.GetString()!.Trim().Length == 0:
                    yield return new DefinitionProblem("body.feedback", "must be text saying what to change");
                    break;
                case "approved" or "feedback":
                    break;
                default:
                    yield return new DefinitionProblem($"body.{property.Name}", "unknown field; known fields: approved, feedback");
                    break;
            }
        }

        if (!any)
        {
            yield return new DefinitionProblem("body", "must be {\"approved\": true} or {\"feedback\": \"what to change\"}");
        }
    }

    public async Task<ApiResponse> DeleteAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        string runId = request.RouteValue("runId");
        return await runs.DeleteAsync(runId, cancellationToken).ConfigureAwait(false) switch
        {
            RunActionResult.Done => new ApiResponse(200, new { RunId = runId, Deleted = true }),
            RunActionResult.Conflict => ApiResponse.Problem(ApiProblem.Conflict($"Run '{runId}' is still running; terminate it first.")),
            _ => RunNotFound(runId),
        };
    }

    public async Task<ApiResponse> ReplayAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        string runId = request.RouteValue("runId");
        string? fromTask = ApiRequestChecks.Query(request, "from_task", "fromTask");
        string? fromStep = ApiRequestChecks.Query(request, "from_step", "fromStep");
        if (fromStep is not null)
        {
            return await ReplayFlowAsync(request, runId, fromStep, fromTask is null, cancellationToken).ConfigureAwait(false);
        }

        if (fromTask is not { Length: > 0 })
        {
            return ApiResponse.Problem(ApiProblem.Invalid([new DefinitionProblem("query.from_task", "required: the task to run again from (or, for a flow run, from_step: the step)")]));
        }

        try
        {
            return await runs.ReplayAsync(runId, fromTask, ApiRequestChecks.Query(request, "run_id", "runId"), cancellationToken).ConfigureAwait(false) is { } replay ? accepted(replay)
                : DefinitionNames.IsValidRunReference(runId) && await flows.IsFlowRunAsync(runId, cancellationToken).ConfigureAwait(false)
                    ? ApiResponse.Problem(ApiProblem.Invalid([new DefinitionProblem("query.from_task", $"run '{runId}' is a flow run; replay it from a step with from_step")]))
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

    /// <summary>A flow run's replay from a step (<c>?from_step=S[&amp;iteration=N][&amp;run_id=NEW]</c>).</summary>
    async Task<ApiResponse> ReplayFlowAsync(ApiRequest request, string runId, string fromStep, bool alone, CancellationToken cancellationToken)
    {
        var problems = new List<DefinitionProblem>();
        if (!alone)
        {
            problems.Add(new DefinitionProblem("query.from_task", "give from_task (a crew run's task) or from_step (a flow run's step), not both"));
        }

        if (!DefinitionNames.IsValid(fromStep))
        {
            problems.Add(new DefinitionProblem("query.from_step", $"'{ApiRequestChecks.Shorten(fromStep)}' {DefinitionNames.Rule()}"));
        }

        int iteration = ApiRequestChecks.ParseQuery(request, "iteration", null, problems, text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= MaxReplayIteration ? n : (int?)null, $"a whole number from 1 to {MaxReplayIteration}") ?? 1;
        if (problems.Count > 0)
        {
            return ApiResponse.Problem(ApiProblem.Invalid(problems));
        }

        try
        {
            return await flows.ReplayAsync(runId, fromStep, iteration, ApiRequestChecks.Query(request, "run_id", "runId"), cancellationToken).ConfigureAwait(false) is { } replay
                ? accepted(replay)
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

    /// <summary>The highest <c>?iteration=</c> a replay from a step takes: a step's runs are bounded by its <c>max_iterations</c>, which a flow keeps far below this.</summary>
    const int MaxReplayIteration = 1000;

    static ApiResponse RunNotFound(string runId) => ApiResponse.Problem(ApiProblem.NotFound($"There is no run '{ApiRequestChecks.Shorten(runId)}'."));
}
