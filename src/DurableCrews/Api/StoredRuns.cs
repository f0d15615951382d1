using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.DurableTask.Client;

namespace DurableCrews.Api;

/// <summary>Runs as the run store alone tells them, for runs the engine no longer knows.</summary>
internal static class StoredRuns
{
    /// <summary>
    /// How long a stored request may wait for its orchestration on an engine that keeps history before the start is taken
    /// as lost (the process starting it stopped in between, and no queue redelivery started it). Starts take milliseconds;
    /// a queue message is redelivered within minutes.
    /// </summary>
    public static readonly TimeSpan StartLostAfter = TimeSpan.FromMinutes(10);

    /// <summary>
    /// As <see cref="GetAsync(RunStore, string, DateTimeOffset, CancellationToken)"/>, except that a flow step's crew run
    /// with no result yet is running while its flow runs: from orchestration version 4 a step's crew run may run in its
    /// flow's orchestration, with no instance of its own.
    /// </summary>
    public static async Task<RunView?> GetAsync(RunStore runs, DurableTaskClient client, string runId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var view = await GetAsync(runs, runId, now, cancellationToken).ConfigureAwait(false);
        int dot = runId.IndexOf('.', StringComparison.Ordinal);
        return view is { Output: null } && dot > 0
            && await client.GetInstanceAsync(runId[..dot], cancellationToken).ConfigureAwait(false) is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending }
            ? view with { Status = CrewRunStatus.Running, Error = null, Interrupted = null }
            : view;
    }

    /// <summary>
    /// A run the engine does not know as its stored records tell it: ended with its result; with a request only, being
    /// started (by this process, or, on an engine that keeps history, by any process until <see cref="StartLostAfter"/>);
    /// otherwise cut off while it ran (an embedded engine keeps no history across restarts) or never started. Null when
    /// nothing is stored.
    /// </summary>
    public static async Task<RunView?> GetAsync(RunStore runs, string runId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await runs.GetResultAsync(runId, cancellationToken).ConfigureAwait(false) is { } output)
        {
            return new RunView { RunId = runId, Crew = output.Crew, Status = output.Status, Error = output.Error, Output = output, CreatedAt = output.StartedAt, LastUpdatedAt = output.FinishedAt };
        }

        string? crew = null;
        DateTimeOffset? created = null;
        if (await runs.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) is { } run)
        {
            (crew, created) = (run.Definition.Name, run.CreatedAt);
        }
        else if (await runs.GetFlowAsync(runId, cancellationToken).ConfigureAwait(false) is { } flow)
        {
            (crew, created) = (flow.Flow.Name, flow.CreatedAt);
        }

        if (crew is null)
        {
            return null;
        }

        bool kept = runs.Starting.EngineKeepsHistory;
        if (runs.Starting.IsStarting(runId) || (kept && now - created < StartLostAfter))
        {
            return new RunView { RunId = runId, Crew = crew, Status = CrewRunStatus.Pending, CreatedAt = created };
        }

        return new RunView
        {
            RunId = runId,
            Crew = crew,
            Status = CrewRunStatus.Failed,
            Interrupted = true,
            Error = kept
                ? $"The run's request was stored but its orchestration was never scheduled (the process starting it stopped in between, and no retry started it within {StartLostAfter.TotalMinutes:0} minutes); nothing of it ran. Start it again."
                : "The run was in flight when the engine that ran it stopped, and that engine kept no history (no storage connection), so it cannot resume; its finished tasks are stored. Start it again, or replay it from its first unfinished task.",
            CreatedAt = created,
        };
    }
}
