using System.Collections.Concurrent;

namespace DurableCrews.Storage;

/// <summary>
/// The runs this process is starting: between storing a run's request and scheduling its orchestration the request is in
/// the run store and the engine does not know the run yet. A reader in that moment sees a run being started, not one cut off.
/// </summary>
/// <param name="engineKeepsHistory">
/// Whether the engine under this process keeps its history in storage (Azure Storage, in both hosts). Then a stored
/// request without an instance is a run whose start is still under way, perhaps in another process (a queue listener);
/// only an engine that forgets (the in-memory one, after a restart) leaves requests whose runs were cut off.
/// </param>
public sealed class RunStarts(bool engineKeepsHistory = true)
{
    readonly ConcurrentDictionary<string, int> starting = new(StringComparer.Ordinal);

    /// <summary>Whether the engine keeps its history in storage, so that a run it started is never forgotten.</summary>
    public bool EngineKeepsHistory { get; } = engineKeepsHistory;

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
