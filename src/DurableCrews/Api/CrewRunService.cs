using System.Globalization;
using DurableCrews.Definitions;
using DurableCrews.Notifications;
using DurableCrews.Orchestration;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Orchestration.RateLimiting;
using DurableCrews.Outbound;
using DurableCrews.Runs;
using DurableCrews.Storage;
using DurableCrews.Telemetry;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace DurableCrews.Api;

/// <summary>
/// The run API over a <see cref="DurableTaskClient"/>, shared by the Functions triggers and the self-hosted CLI and
/// server: it validates a kickoff, stores its request and starts the orchestration; reading a run is <see cref="RunViews"/>' job, acting on one <see cref="RunControl"/>'s.
/// </summary>
public sealed class CrewRunService
{
    readonly DurableTaskClient client;
    readonly RunStore runs;
    readonly TimeProvider time;
    readonly OutboundPolicies outbound;
    readonly InFlightModelCalls inFlight;
    readonly bool publishResults;
    readonly string startVersion;
    readonly RunViews views;
    readonly RunControl control;

    /// <summary>Creates the service.</summary>
    public CrewRunService(DurableTaskClient client, RunStore runs, TimeProvider time, OutboundPolicies outbound, InFlightModelCalls inFlight, IOptions<QueueOptions> queues, IOptions<VersioningOptions> versioning)
    {
        ArgumentNullException.ThrowIfNull(versioning);
        startVersion = versioning.Value.StartVersion;
        ArgumentNullException.ThrowIfNull(queues);
        publishResults = queues.Value.PublishResults;
        ArgumentNullException.ThrowIfNull(inFlight);
        this.inFlight = inFlight;
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(outbound);
        this.client = client;
        this.runs = runs;
        this.time = time;
        this.outbound = outbound;
        views = new RunViews(client, runs, time);
        control = new RunControl(client, runs, inFlight, views);
    }

    /// <summary>
    /// Validates the inputs against the crew, stores the run's request and starts its orchestration.
    /// Nothing starts when anything is wrong.
    /// </summary>
    /// <returns>The run id.</returns>
    /// <exception cref="CrewDefinitionException">The inputs or the run id are invalid; every problem is listed.</exception>
    /// <exception cref="RunConflictException">The run id is taken.</exception>
    public async Task<string> KickoffAsync(CrewDefinition crew, KickoffRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(crew);
        ArgumentNullException.ThrowIfNull(request);
        var problems = Validate(crew, request);
        if (problems.Count > 0)
        {
            throw new CrewDefinitionException(problems);
        }

        var filled = CrewInputs.Interpolate(crew, request.Inputs);

        string runId = request.RunId ?? NewRunId(crew.Name);
        var crewTargets = new WebhookTargets
        {
            Step = WebhookTargets.TryParseUrl(crew.StepCallback, out var step) ? step : null,
            Task = WebhookTargets.TryParseUrl(crew.TaskCallback, out var done) ? done : null,
        };
        var record = new RunRecord
        {
            RunId = runId,
            Definition = filled.Definition!,
            Inputs = request.Inputs,
            CreatedAt = time.GetUtcNow(),
            Webhooks = (request.Webhooks ?? new WebhookTargets()).Over(crewTargets),
        };
        using var starting = runs.Starting.Begin(runId);
        string etag;
        try
        {
            etag = await runs.SaveRunAsync(record, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobConditionFailedException ex)
        {
            throw new RunConflictException($"A run with id '{runId}' exists already.", ex);
        }

        await StartAsync(record, etag, storedBefore: 0, cancellationToken).ConfigureAwait(false);
        return runId;
    }

    /// <summary>
    /// Starts the orchestration of a run whose request is stored but was never handed to the engine: the process that
    /// stored it stopped before scheduling it, and a redelivered queue message names the run again. Only on an engine that
    /// keeps history, where a request without an instance cannot be a run that was cut off.
    /// </summary>
    /// <returns>Whether it started the run; false when the engine knows the run, the run has ended, or nothing is stored.</returns>
    public async Task<bool> StartStoredAsync(string runId, CancellationToken cancellationToken = default)
    {
        if (!runs.Starting.EngineKeepsHistory || !DefinitionNames.IsValidRunId(runId)
            || await client.GetInstanceAsync(runId, cancellationToken).ConfigureAwait(false) is not null
            || await runs.GetResultAsync(runId, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        using var starting = runs.Starting.Begin(runId);
        var (run, etag) = await runs.ReadVersionedAsync<RunRecord>(RunBlobs.RunBlob(runId), cancellationToken).ConfigureAwait(false);
        if (run is not null)
        {
            await StartAsync(run, etag!, storedBefore: 0, cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (await runs.GetFlowAsync(runId, cancellationToken).ConfigureAwait(false) is not null)
        {
            await FlowRunService.ScheduleAsync(client, runId, startVersion, cancellationToken).ConfigureAwait(false);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Starts the orchestration of a stored run request with its plan, so that the run's first step is its first task,
    /// not an activity that reads the request back.
    /// </summary>
    async Task StartAsync(RunRecord run, string etag, int storedBefore, CancellationToken cancellationToken)
    {
        await client.ScheduleNewOrchestrationInstanceAsync(
            nameof(CrewOrchestrator), new CrewRunInput(run.RunId, CrewRunPlan.Of(run, etag, publishResults, storedBefore)), new StartOrchestrationOptions(run.RunId) { Version = startVersion }, cancellationToken).ConfigureAwait(false);
        CrewTelemetry.RunStarted(run.Definition.Name);
    }

    /// <summary>
    /// Every problem with a kickoff of <paramref name="crew"/>: bad or missing inputs, a bad run id, webhook destinations
    /// (the kickoff's and the crew's callbacks) that the outbound destination policy refuses.
    /// </summary>
    public IReadOnlyList<DefinitionProblem> Validate(CrewDefinition crew, KickoffRequest request)
    {
        ArgumentNullException.ThrowIfNull(crew);
        var problems = ValidateRequest(request);
        var filled = CrewInputs.Interpolate(crew, request.Inputs);
        problems.AddRange(filled.Problems);
        problems.AddRange(outbound.CheckCrew(crew));
        problems.AddRange(filled.Definition is { } definition ? outbound.CheckFilledTools(crew, definition) : []);
        problems.AddRange(outbound.CheckTargets(request.Webhooks, "webhooks"));
        return problems;
    }

    /// <summary>The problems of a kickoff whatever it runs: inputs too many or too large, a run id that is not one.</summary>
    internal static List<DefinitionProblem> ValidateRequest(KickoffRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<DefinitionProblem>(CrewInputs.Validate(request.Inputs));
        if (request.RunId is { } requested && !DefinitionNames.IsValidRunId(requested))
        {
            problems.Add(new DefinitionProblem("run_id", $"'{requested}' {DefinitionNames.Rule(DefinitionNames.MaxRunIdLength)}"));
        }

        return problems;
    }

    /// <summary>The run's status, progress and (once ended) output; null when there is no such run.</summary>
    public Task<RunView?> GetAsync(string runId, CancellationToken cancellationToken = default) => views.GetAsync(runId, cancellationToken);

    /// <summary>Raises the external event <paramref name="name"/> for a run, on the task or step that waits for it (see <see cref="RunControl.RaiseEventAsync"/>).</summary>
    /// <exception cref="CrewDefinitionException">The event name is not a valid name.</exception>
    public Task<RaisedEvent> RaiseEventAsync(string runId, string name, object? payload, CancellationToken cancellationToken = default) =>
        control.RaiseEventAsync(runId, name, payload, cancellationToken);

    /// <summary>Whether a run (or a run's stored record) has this id, so that it cannot be started again.</summary>
    public async Task<bool> ExistsAsync(string runId, CancellationToken cancellationToken = default) =>
        await client.GetInstanceAsync(runId, cancellationToken).ConfigureAwait(false) is not null
        || await runs.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) is not null
        || await runs.GetFlowAsync(runId, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>Terminates a running run and everything working under it; its finished task outputs stay.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="reason">Why, recorded as the run's output.</param>
    /// <param name="patience">How long to wait for the run and its children to end; 10 s by default.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public Task<RunActionResult> TerminateAsync(string runId, string reason, TimeSpan? patience = null, CancellationToken cancellationToken = default) =>
        control.TerminateAsync(runId, reason, patience, cancellationToken);

    /// <summary>Deletes an ended run: its orchestration history (and its children's) and all its blobs.</summary>
    public Task<RunActionResult> DeleteAsync(string runId, CancellationToken cancellationToken = default) => control.DeleteAsync(runId, cancellationToken);

    /// <summary>Lists crew and flow runs (not their tasks and delegations), newest first within a page; with the runs the engine no longer knows on the last page.</summary>
    /// <exception cref="CrewDefinitionException">The continuation token is not one this API gave out.</exception>
    public Task<RunListPage> ListAsync(RunListQuery query, CancellationToken cancellationToken = default) =>
        new RunListing(client, runs, time).ListAsync(query, cancellationToken);

    /// <summary>One task's output (an item of a for_each task as <c>task[k]</c>); null when the run or the task does not exist or the task has not finished.</summary>
    public async Task<TaskOutput?> GetTaskAsync(string runId, string task, CancellationToken cancellationToken = default)
    {
        if (!DefinitionNames.IsValidRunReference(runId) || await runs.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) is not { } run)
        {
            return null;
        }

        // An item of a for_each task is asked for as task[k] and stored under that name beside its task.
        string taskName = task.EndsWith(']') && task.IndexOf('[', StringComparison.Ordinal) is > 0 and int open && int.TryParse(task[(open + 1)..^1], NumberStyles.None, CultureInfo.InvariantCulture, out int item)
            ? TaskOutput.ItemName(task[..open], item) == task ? task[..open] : string.Empty
            : task;
        int index = run.Definition.Tasks.ToList().FindIndex(t => t.Name == taskName);
        return index < 0 ? null : await runs.GetTaskOutputAsync(runId, index, task, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a new run of an earlier run's crew and inputs that reuses the stored outputs of the tasks before
    /// <paramref name="fromTask"/> (as <c>crewai replay -t</c> does): those tasks are not asked of the model again.
    /// </summary>
    /// <returns>The new run id; null when there is no such run.</returns>
    /// <exception cref="CrewDefinitionException">The task is not one of the crew's, or the new run id is invalid.</exception>
    /// <exception cref="RunConflictException">The new run id is taken.</exception>
    public async Task<string?> ReplayAsync(string runId, string fromTask, string? newRunId = null, CancellationToken cancellationToken = default)
    {
        if (!DefinitionNames.IsValidRunReference(runId) || await runs.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) is not { } run)
        {
            return null;
        }

        var tasks = run.Definition.Tasks;
        int from = tasks.ToList().FindIndex(t => t.Name == fromTask);
        var problems = new List<DefinitionProblem>();
        if (from < 0)
        {
            problems.Add(new DefinitionProblem("fromTask", $"crew '{run.Definition.Name}' has no task named '{fromTask}'; its tasks: {string.Join(", ", tasks.Select(t => t.Name))}"));
        }

        if (newRunId is not null && !DefinitionNames.IsValidRunId(newRunId))
        {
            problems.Add(new DefinitionProblem("run_id", $"'{newRunId}' {DefinitionNames.Rule(DefinitionNames.MaxRunIdLength)}"));
        }

        if (problems.Count > 0)
        {
            throw new CrewDefinitionException(problems);
        }

        string replayId = newRunId ?? NewRunId(run.Definition.Name);
        var replay = run with { RunId = replayId, CreatedAt = time.GetUtcNow() };
        using var starting = runs.Starting.Begin(replayId);
        string etag;
        try
        {
            etag = await runs.SaveRunAsync(replay, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobConditionFailedException ex)
        {
            throw new RunConflictException($"A run with id '{replayId}' exists already.", ex);
        }

        await RunCopies.CopyTaskOutputsAsync(runs, runId, replayId, tasks, from, cancellationToken).ConfigureAwait(false);

        await StartAsync(replay, etag, storedBefore: from, cancellationToken).ConfigureAwait(false);
        return replayId;
    }

    /// <summary>
    /// Waits until the run ends or <paramref name="cancellationToken"/> fires, calling <paramref name="onProgress"/> on each
    /// change. Without a callback each poll asks for the run's status only, not its input and progress.
    /// </summary>
    public Task<RunView> WaitAsync(string runId, Action<CrewProgress>? onProgress = null, TimeSpan? pollInterval = null, CancellationToken cancellationToken = default) =>
        views.WaitAsync(runId, onProgress, pollInterval, cancellationToken);

    /// <summary>A new run id for <paramref name="crew"/> at the service's time.</summary>
    internal string NewRunId(string crew) => NewRunId(crew, time.GetUtcNow());

    /// <summary>A new run id for a crew or flow: its name, the time, and a random suffix.</summary>
    internal static string NewRunId(string crew, DateTimeOffset now)
    {
        string stamp = now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        string suffix = Guid.NewGuid().ToString("N")[..8];
        string prefix = crew.Length > 40 ? crew[..40] : crew;
        return $"{prefix}-{stamp}-{suffix}";
    }
}
