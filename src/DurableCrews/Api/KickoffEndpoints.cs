using System.Text.Json;
using DurableCrews.Definitions;
using DurableCrews.Runs;

namespace DurableCrews.Api;

/// <summary>The endpoints that start runs: a crew's kickoff, a batch of kickoffs, a flow's kickoff.</summary>
internal sealed class KickoffEndpoints(CrewRunService runs, FlowRunService flows, CrewLibrary crews, ApiLinks links)
{
    /// <summary>The most runs one batch kickoff starts.</summary>
    public const int MaxBatchItems = 100;

    /// <summary>The longest a kickoff may wait for its run (<c>?wait=</c>), in seconds.</summary>
    public const int MaxWaitSeconds = 230;

    public async Task<ApiResponse> KickoffCrewAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        if (ApiRequestChecks.JsonBodyProblem(request) is { } unsupported)
        {
            return unsupported;
        }

        var problems = new List<DefinitionProblem>();
        var (wait, kickoff) = ReadKickoff(request, problems);
        var (crew, notFound) = await CrewEndpoints.LoadCrewAsync(crews, request, problems, cancellationToken).ConfigureAwait(false);
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

        return await AcceptedOrEndedAsync(runId, wait, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ApiResponse> KickoffFlowAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        if (ApiRequestChecks.JsonBodyProblem(request) is { } unsupported)
        {
            return unsupported;
        }

        var all = new List<DefinitionProblem>();
        var (wait, kickoff) = ReadKickoff(request, all);
        if (kickoff?.Webhooks is not null)
        {
            all.Add(new DefinitionProblem("body.webhooks", "a flow sends no webhooks of its own; set step_callback and task_callback in its crews"));
        }

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
            return await AcceptedOrEndedAsync(runId, wait, cancellationToken).ConfigureAwait(false);
        }
        catch (RunConflictException ex)
        {
            return ApiResponse.Problem(ApiProblem.Conflict(ex.Message));
        }
    }

    /// <summary>A kickoff's <c>?wait=</c> and body, their problems added.</summary>
    static (int? Wait, KickoffRequest? Kickoff) ReadKickoff(ApiRequest request, List<DefinitionProblem> problems)
    {
        int? wait = ApiRequestChecks.ReadWait(request, MaxWaitSeconds, problems);
        var (kickoff, bodyProblems) = KickoffBody.Read(request.Body);
        problems.AddRange(bodyProblems);
        return (wait, kickoff);
    }

    /// <summary>Starts every item of a batch, or none: each item and each run id is checked before the first run starts.</summary>
    public async Task<ApiResponse> KickoffBatchAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        if (ApiRequestChecks.JsonBodyProblem(request) is { } unsupported)
        {
            return unsupported;
        }

        var problems = new List<DefinitionProblem>();
        var kickoffs = ReadBatch(request, problems);
        var (crew, notFound) = await CrewEndpoints.LoadCrewAsync(crews, request, problems, cancellationToken).ConfigureAwait(false);
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

        string batchId = runs.NewRunId($"{crew.Name}-batch");
        kickoffs = kickoffs.Select((k, i) => k with { RunId = k.RunId ?? $"{batchId}-{i + 1}" }).ToList();
        if (await TakenRunIdsAsync(kickoffs, cancellationToken).ConfigureAwait(false) is { Count: > 0 } taken)
        {
            return ApiResponse.Problem(ApiProblem.Conflict($"Nothing was started: {string.Join("; ", taken)}."));
        }

        var started = new List<object>();
        foreach (var kickoff in kickoffs)
        {
            string runId = await runs.KickoffAsync(crew, kickoff, cancellationToken).ConfigureAwait(false);
            started.Add(new { RunId = runId, StatusUrl = links.To($"runs/{runId}") });
        }

        return new ApiResponse(202, new { BatchId = batchId, Crew = crew.Name, Runs = started });
    }

    static List<KickoffRequest> ReadBatch(ApiRequest request, List<DefinitionProblem> problems)
    {
        var kickoffs = new List<KickoffRequest>();
        using var document = JsonBody.Parse(request.Body, "body", out var invalid);
        if (document is null)
        {
            problems.Add(invalid!);
            return kickoffs;
        }

        var root = document.RootElement;
        var items = root.ValueKind == JsonValueKind.Array ? root
            : root.ValueKind == JsonValueKind.Object && root.TryGetProperty("items", out var listed) ? listed
            : default;
        if (items.ValueKind != JsonValueKind.Array || items.GetArrayLength() == 0)
        {
            problems.Add(new DefinitionProblem("body.items", "required: a non-empty list of kickoffs ({ \"inputs\": {…}, \"run_id\"?: … })"));
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

            var repeated = kickoffs.Select((k, i) => (k.RunId, Index: i)).Where(k => k.RunId is not null).GroupBy(k => k.RunId, StringComparer.Ordinal).Where(g => g.Count() > 1);
            foreach (var group in repeated)
            {
                problems.Add(new DefinitionProblem($"body.items[{group.Skip(1).First().Index}].run_id", $"'{group.Key}' is the run id of items {string.Join(", ", group.Select(g => g.Index))}; each run needs its own"));
            }
        }

        return kickoffs;
    }

    async Task<List<string>> TakenRunIdsAsync(IReadOnlyList<KickoffRequest> kickoffs, CancellationToken cancellationToken)
    {
        var taken = new List<string>();
        for (int i = 0; i < kickoffs.Count; i++)
        {
            if (await runs.ExistsAsync(kickoffs[i].RunId!, cancellationToken).ConfigureAwait(false))
            {
                taken.Add($"body.items[{i}].run_id '{kickoffs[i].RunId}' is taken");
            }
        }

        return taken;
    }

    /// <summary>202 with the run's URLs; or, with <c>?wait=</c>, 200 with the run once it has ended within that many seconds.</summary>
    async Task<ApiResponse> AcceptedOrEndedAsync(string runId, int? wait, CancellationToken cancellationToken)
    {
        if (wait is int seconds && seconds > 0)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(TimeSpan.FromSeconds(seconds));
            try
            {
                var view = await runs.WaitAsync(runId, cancellationToken: limit.Token).ConfigureAwait(false);
                return new ApiResponse(200, view, links.To($"runs/{runId}"));
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // The run has started: whatever waiting for it threw (its time ran out, the engine's channel gave up the
                // wait), the answer is the run's URLs, so that a client never retries a started run without its id.
            }
        }

        return Accepted(runId);
    }

    public ApiResponse Accepted(string runId)
    {
        string status = links.To($"runs/{runId}");
        return new ApiResponse(202, new { RunId = runId, Status = CrewRunStatus.Pending, StatusUrl = status, TerminateUrl = $"{status}/terminate", EventUrl = $"{status}/events/{{name}}" }, status);
    }
}
