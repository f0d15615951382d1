using System.Collections.Concurrent;
using DurableCrews.Runs;

namespace DurableCrews.Orchestration.Flows;

/// <summary>
/// What this worker's last finish of each flow wrote to the flow's <c>state.json</c>, with the blob's ETag and the flow's
/// request it was computed on, so that the next finish of the flow on this worker reads neither back. It is only a
/// guess: a finish that uses it writes the state on condition that the blob still has that ETag, which proves nothing
/// else wrote it since (another worker or process, a replay, a deleted run started again under its id, whose
/// <c>state.json</c> is gone or new), and reads both again when the condition fails.
/// </summary>
public sealed class FlowStateCache
{
    const int MaxFlows = 256;

    readonly ConcurrentDictionary<string, (FlowRunRecord Flow, FlowStateRecord State, string ETag)> written = new(StringComparer.Ordinal);

    /// <summary>The flow's request and the state this worker last wrote for it, with that write's ETag; none when it wrote none.</summary>
    internal (FlowRunRecord Flow, FlowStateRecord State, string ETag)? Find(string runId) =>
        written.TryGetValue(runId, out var kept) ? kept : null;

    /// <summary>Keeps what a finish of <paramref name="flow"/> wrote, replacing what was kept for it.</summary>
    internal void Remember(FlowRunRecord flow, FlowStateRecord state, string etag)
    {
        if (written.Count >= MaxFlows)
        {
            written.Clear();
        }

        written[flow.RunId] = (flow, state, etag);
    }

    /// <summary>Drops what was kept for a flow whose state another writer changed.</summary>
    internal void Forget(string runId) => written.TryRemove(runId, out _);
}
