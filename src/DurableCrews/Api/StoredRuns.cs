using DurableCrews.Runs;
using DurableCrews.Storage;

namespace DurableCrews.Api;

/// <summary>Runs as the run store alone tells them, for runs the engine no longer knows.</summary>
internal static class StoredRuns
{
    /// <summary>
    /// A run the engine does not know (the embedded engine keeps no history across restarts) as its stored records tell it:
    /// ended with its result, being started by this process, or, with a request and no result, cut off while it ran. Null
    /// when nothing is stored.
    /// </summary>
    public static async Task<RunView?> GetAsync(RunStore runs, string runId, CancellationToken cancellationToken)
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

        if (crew is not null && runs.Starting.IsStarting(runId))
        {
            return new RunView { RunId = runId, Crew = crew, Status = CrewRunStatus.Pending, CreatedAt = created };
        }

        return crew is null ? null : new RunView
        {
            RunId = runId,
            Crew = crew,
            Status = CrewRunStatus.Failed,
            Interrupted = true,
            Error = "The run was in flight when the engine that ran it stopped, and that engine kept no history (no storage connection), so it cannot resume; its finished tasks are stored. Start it again, or replay it from its first unfinished task.",
            CreatedAt = created,
        };
    }
}
