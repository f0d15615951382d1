using DurableCrews.Storage;

namespace DurableCrews.Orchestration.Flows;

/// <summary>
/// The snapshots of a CrewAI-style flow run, stored as <c>crew-runs/{runId}/snapshots/{step}.{iteration}.json</c> beside
/// its <c>state.json</c>: one per run of a step, taken as it begins, holding what the flow knew right before it (the
/// order of that begin: the state, each finished step's last run, the iteration counts); a replay from a step starts there.
/// </summary>
public static class FlowSnapshots
{
    /// <summary>The blob name of the snapshot taken before run <paramref name="iteration"/> of <paramref name="step"/>, beside the run's <c>state.json</c>.</summary>
    public static string Blob(string runId, string step, int iteration) => RunBlobs.FlowSnapshotBlob(runId, step, iteration);

    /// <summary>Stores <paramref name="snapshot"/> unless it is stored already (a redelivered begin finds the same flow as before).</summary>
    public static async Task SaveFlowSnapshotAsync(this RunStore runs, FlowStepOrder snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(snapshot);
        try
        {
            await runs.WriteVersionedAsync(Blob(snapshot.RunId, snapshot.Step, snapshot.Iteration), snapshot, etag: null, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobConditionFailedException)
        {
            // Taken by the first delivery of this begin.
        }
    }

    /// <summary>The snapshot taken before run <paramref name="iteration"/> of <paramref name="step"/>; null when that run never began (or began before snapshots were taken).</summary>
    public static async Task<FlowStepOrder?> GetFlowSnapshotAsync(this RunStore runs, string runId, string step, int iteration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runs);
        return (await runs.ReadVersionedAsync<FlowStepOrder>(Blob(runId, step, iteration), cancellationToken).ConfigureAwait(false)).Value;
    }
}
