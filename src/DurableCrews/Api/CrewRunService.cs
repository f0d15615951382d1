using System.Globalization;
using System.Text.Json;
using DurableCrews.Definitions;
using DurableCrews.Notifications;
using DurableCrews.Orchestration;
using DurableCrews.Orchestration.AgentWork;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Orchestration.Flows;
using DurableCrews.Orchestration.RateLimiting;
using DurableCrews.Outbound;
using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace DurableCrews.Api;

/// <summary>
/// The run API's logic over a <see cref="DurableTaskClient"/>, shared by the Functions triggers and the
/// self-hosted CLI and server: validate a kickoff, store its request, start the orchestration, read status.
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

    /// <summary>Creates the service.</summary>
    public CrewRunService(DurableTaskClient client, RunStore runs, TimeProvider time, OutboundPolicies outbound, InFlightModelCalls inFlight, Microsoft.Extensions.Options.IOptions<QueueOptions> queues, Microsoft.Extensions.Options.IOptions<VersioningOptions> versioning)
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
        var (run, etag) = await runs.ReadVersionedAsync<RunRecord>(RunStore.RunBlob(runId), cancellationToken).ConfigureAwait(false);
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
        Telemetry.CrewTelemetry.RunStarted(run.Definition.Name);
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
    public async Task<RunView?> GetAsync(string runId, CancellationToken cancellationToken = default)
    {
        if (!DefinitionNames.IsValidRunReference(runId))
        {
            return null;
        }

        var instance = await client.GetInstanceAsync(runId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        if (instance is null)
        {
            return await StoredRuns.GetAsync(runs, client, runId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        var status = StatusOf(instance);
        var output = status is CrewRunStatus.Pending or CrewRunStatus.Running ? null : await runs.GetResultAsync(runId, cancellationToken).ConfigureAwait(false);
        var progress = await ReadProgressAsync(instance.SerializedCustomStatus, cancellationToken).ConfigureAwait(false);
        return new RunView
        {
            RunId = runId,
            Crew = output?.Crew,
            Status = output?.Status ?? status,

            // The last progress a run reported may name tasks it was running when it ended (a deadline, a termination).
            Progress = output is null || progress is null ? progress : progress with { Running = [] },
            Error = output?.Error ?? instance.FailureDetails?.ErrorMessage,
            Output = output,
            Flow = instance.Name == nameof(FlowOrchestrator) ? await runs.GetFlowStateAsync(runId, cancellationToken).ConfigureAwait(false) : null,
            CreatedAt = instance.CreatedAt,
            LastUpdatedAt = instance.LastUpdatedAt,
        };
    }

    /// <summary>
    /// Raises the external event <paramref name="name"/> for a run: on the task that waits for it (a <c>human_input</c>
    /// task waits in its own orchestration, <c>{runId}/t{n}</c>); on a flow run with no such task, on the run itself (a
    /// <c>human_feedback</c> step waits there). <paramref name="runId"/> may also name one of the run's instances
    /// (<c>{runId}/t0</c>) to raise the event there.
    /// </summary>
    /// <returns>
    /// Where the event went; NotFound when there is no such run or instance, Conflict (with the run's status) when the run
    /// or the instance has ended, or when no task of a crew run waits for the event yet, so that the event would be lost.
    /// </returns>
    /// <exception cref="CrewDefinitionException">The event name is not a valid name.</exception>
    public async Task<RaisedEvent> RaiseEventAsync(string runId, string name, object? payload, CancellationToken cancellationToken = default)
    {
        if (!DefinitionNames.IsValid(name))
        {
            throw new CrewDefinitionException([new DefinitionProblem("name", $"'{name}' {DefinitionNames.Rule()}")]);
        }

        // An instance of the run ('{runId}/t0', '{runId}.step') answers for the run it belongs to.
        int split = runId.IndexOfAny(['/', '.']);
        string run = split > 0 ? runId[..split] : runId;
        var view = await GetAsync(run, cancellationToken).ConfigureAwait(false);
        if (view is null)
        {
            return new RaisedEvent(RunActionResult.NotFound);
        }

        if (view.Status is not (CrewRunStatus.Pending or CrewRunStatus.Running))
        {
            return new RaisedEvent(RunActionResult.Conflict, RunStatus: view.Status);
        }

        string target = run != runId ? runId : view.Progress?.Running.FirstOrDefault(t => t.WaitingFor == name)?.InstanceId ?? runId;

        // A crew run's own orchestration waits for no event (a human_input task waits in its own instance): an event
        // raised there now would be dropped. Refused instead, so that the sender tries again once a task waits.
        if (target == run && await runs.GetRunAsync(run, cancellationToken).ConfigureAwait(false) is not null)
        {
            return new RaisedEvent(RunActionResult.Conflict, RunStatus: view.Status, Reason:
                $"No task of '{run}' waits for '{name}' now, so the event would be lost. A task that waits shows it as waiting_for in the run's progress (GET runs/{run}); send the event then, or to the task's instance ('{run}/t{{n}}').");
        }

        if (target != run)
        {
            var instance = await client.GetInstanceAsync(target, cancellationToken).ConfigureAwait(false);
            if (instance is null)
            {
                return new RaisedEvent(RunActionResult.NotFound);
            }

            if (instance.RuntimeStatus is not (OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended))
            {
                return new RaisedEvent(RunActionResult.Conflict, RunStatus: view.Status);
            }
        }

        await client.RaiseEventAsync(target, name, payload, cancellationToken).ConfigureAwait(false);
        return new RaisedEvent(RunActionResult.Done, target);
    }

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
    public async Task<RunActionResult> TerminateAsync(string runId, string reason, TimeSpan? patience = null, CancellationToken cancellationToken = default)
    {
        var instance = DefinitionNames.IsValidRunReference(runId) ? await client.GetInstanceAsync(runId, cancellationToken).ConfigureAwait(false) : null;
        if (instance is null)
        {
            return RunActionResult.NotFound;
        }

        if (instance.IsCompleted)
        {
            return RunActionResult.Conflict;
        }

        await InstanceTree.TerminateAsync(
            client, runId, InstanceTree.DescendantsOf(runId), reason, patience ?? TimeSpan.FromSeconds(10), () => inFlight.Cancel(runId, InstanceTree.DescendantsOf(runId)), cancellationToken).ConfigureAwait(false);
        return RunActionResult.Done;
    }

    /// <summary>Deletes an ended run: its orchestration history (and its children's) and all its blobs.</summary>
    public async Task<RunActionResult> DeleteAsync(string runId, CancellationToken cancellationToken = default)
    {
        var instance = DefinitionNames.IsValidRunReference(runId) ? await client.GetInstanceAsync(runId, cancellationToken).ConfigureAwait(false) : null;
        if (instance is null)
        {
            return RunActionResult.NotFound;
        }

        if (!instance.IsCompleted)
        {
            return RunActionResult.Conflict;
        }

        foreach (string id in await InstanceTree.FindAsync(client, InstanceTree.DescendantsOf(runId), activeOnly: false, cancellationToken).ConfigureAwait(false))
        {
            await client.PurgeInstanceAsync(id, cancellation: cancellationToken).ConfigureAwait(false);
        }

        await client.PurgeInstanceAsync(runId, cancellation: cancellationToken).ConfigureAwait(false);
        await runs.DeleteRunAsync(runId, cancellationToken).ConfigureAwait(false);
        return RunActionResult.Done;
    }

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

        for (int index = 0; index < from; index++)
        {
            if (await runs.GetTaskOutputAsync(runId, index, tasks[index].Name, cancellationToken).ConfigureAwait(false) is { } output)
            {
                // A for_each task's items first: its record, which lists them, says the task was decided.
                foreach (var item in (await runs.GetItemOutputsAsync(runId, output, cancellationToken).ConfigureAwait(false)).OfType<TaskOutput>())
                {
                    await runs.SaveTaskOutputAsync(replayId, item, cancellationToken).ConfigureAwait(false);
                }

                await runs.SaveTaskOutputAsync(replayId, output, cancellationToken).ConfigureAwait(false);
            }
        }

        await StartAsync(replay, etag, storedBefore: from, cancellationToken).ConfigureAwait(false);
        return replayId;
    }

    /// <summary>
    /// Waits until the run ends or <paramref name="cancellationToken"/> fires, calling <paramref name="onProgress"/> on each
    /// change. Without a callback each poll asks for the run's status only, not its input and progress.
    /// </summary>
    public async Task<RunView> WaitAsync(string runId, Action<CrewProgress>? onProgress = null, TimeSpan? pollInterval = null, CancellationToken cancellationToken = default)
    {
        string? lastProgress = null;
        while (true)
        {
            var instance = await client.GetInstanceAsync(runId, getInputsAndOutputs: onProgress is not null, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Run '{runId}' does not exist.");
            if (onProgress is not null && await ReadProgressAsync(instance.SerializedCustomStatus, cancellationToken).ConfigureAwait(false) is { } progress)
            {
                string serialized = JsonSerializer.Serialize(progress, ProgressJson);
                if (serialized != lastProgress)
                {
                    lastProgress = serialized;
                    onProgress?.Invoke(progress);
                }
            }

            if (StatusOf(instance) is not (CrewRunStatus.Pending or CrewRunStatus.Running))
            {
                return (await GetAsync(runId, cancellationToken).ConfigureAwait(false))!;
            }

            await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(100), time, cancellationToken).ConfigureAwait(false);
        }
    }

    internal static CrewRunStatus StatusOf(OrchestrationMetadata instance) => instance.RuntimeStatus switch
    {
        OrchestrationRuntimeStatus.Pending => CrewRunStatus.Pending,
        OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended => CrewRunStatus.Running,
        OrchestrationRuntimeStatus.Completed => CrewRunStatus.Completed,
        OrchestrationRuntimeStatus.Terminated => CrewRunStatus.Terminated,
        _ => CrewRunStatus.Failed,
    };

    /// <summary>
    /// The run's progress: its own status, or its work child's (a crew with a deadline), with each running task's
    /// delegations and tool calls in flight and event waits read from that task's orchestration.
    /// </summary>
    async Task<CrewProgress?> ReadProgressAsync(string? serialized, CancellationToken cancellationToken)
    {
        var progress = Read<CrewProgress>(serialized);
        if (progress?.WorkInstance is { } work)
        {
            var child = await client.GetInstanceAsync(work, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
            progress = Read<CrewProgress>(child?.SerializedCustomStatus) ?? progress;
        }

        if (progress is null)
        {
            return null;
        }

        var running = new List<RunningTask>();
        foreach (var task in progress.Running)
        {
            var child = task.InstanceId is { } id ? await client.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false) : null;
            var turns = Read<AgentWorkProgress>(child?.SerializedCustomStatus);
            running.Add(turns is null ? task : task with { Delegations = turns.Delegations, Tools = turns.Tools, WaitingFor = turns.WaitingFor ?? task.WaitingFor });
        }

        return progress with { Running = running };
    }

    static T? Read<T>(string? serialized)
        where T : class
    {
        if (string.IsNullOrEmpty(serialized))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(serialized, ProgressJson);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    static readonly JsonSerializerOptions ProgressJson = new(JsonSerializerDefaults.Web);

    string NewRunId(string crew) => NewRunId(crew, time.GetUtcNow());

    /// <summary>A new run id for a crew or flow: its name, the time, and a random suffix.</summary>
    internal static string NewRunId(string crew, DateTimeOffset now)
    {
        string stamp = now.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        string suffix = Guid.NewGuid().ToString("N")[..8];
        string prefix = crew.Length > 40 ? crew[..40] : crew;
        return $"{prefix}-{stamp}-{suffix}";
    }
}
