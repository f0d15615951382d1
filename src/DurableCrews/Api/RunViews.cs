using System.Text.Json;
using DurableCrews.Definitions;
using DurableCrews.Orchestration.AgentWork;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Orchestration.Flows;
using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.DurableTask.Client;

namespace DurableCrews.Api;

/// <summary>Reads a run as the API shows it: its status, progress (with its tasks' own instances) and, once ended, output.</summary>
internal sealed class RunViews(DurableTaskClient client, RunStore runs, TimeProvider time)
{
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
}
