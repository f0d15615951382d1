using System.Collections.Concurrent;

namespace DurableCrews.Storage;

/// <summary>
/// The runs this process is starting: between storing a run's request and scheduling its orchestration the request is in
/// the run store and the engine does not know the run yet. A reader in that moment sees a run being started, not one cut off.
/// </summary>
public sealed class RunStarts
{
    readonly ConcurrentDictionary<string, int> starting = new(StringComparer.Ordinal);

    /// <summary>Marks <paramref name="runId"/> as being started until the returned handle is disposed.</summary>
    public IDisposable Begin(string runId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        starting.AddOrUpdate(runId, 1, (_, count) => count + 1);
        return new Started(this, runId);
    }

    /// <summary>True while <paramref name="runId"/> is being started by this process.</summary>
    public bool IsStarting(string runId) => starting.ContainsKey(runId);

    sealed class Started(RunStarts starts, string runId) : IDisposable
    {
        int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                starts.starting.AddOrUpdate(runId, 0, (_, count) => count - 1);
                starts.starting.TryRemove(KeyValuePair.Create(runId, 0));
            }
        }
    }
}
