using System.Collections.Concurrent;
using DurableCrews.Runs;

namespace DurableCrews.Storage;

/// <summary>What one flow of work (an activity that begins, takes a turn and finishes) has read and staged of a run's blobs; see <see cref="RunStore.ReadRunsOnce"/>.</summary>
internal sealed class RunReadScope
{
    /// <summary>Run requests read in this scope, with their blob's ETag.</summary>
    public ConcurrentDictionary<string, (RunRecord Run, string ETag)> Runs { get; } = new(StringComparer.Ordinal);

    /// <summary>A run whose request's ETag the scope was told.</summary>
    public string? KnownRunId { get; init; }

    /// <summary>That request's ETag.</summary>
    public string? KnownRunETag { get; init; }

    /// <summary>Works read or written in this scope, by blob name.</summary>
    public ConcurrentDictionary<string, AgentWorkState> Works { get; } = new(StringComparer.Ordinal);

    /// <summary>Task outputs read or written in this scope, by blob name: a run's completion reads again what its last task's context read.</summary>
    public ConcurrentDictionary<string, TaskOutput> Outputs { get; } = new(StringComparer.Ordinal);

    /// <summary>Run results written in this scope, by blob name: the flow step a run's completion finishes reads its result back.</summary>
    public ConcurrentDictionary<string, CrewOutput> Results { get; } = new(StringComparer.Ordinal);

    /// <summary>Works begun in this scope and not written yet, by blob name.</summary>
    public ConcurrentDictionary<string, AgentWorkState> Staged { get; } = new(StringComparer.Ordinal);

    /// <summary>What <paramref name="kept"/> (a scope's, when there is one) holds under <paramref name="name"/>, else what <paramref name="read"/> finds, kept when it finds one.</summary>
    public static async Task<T?> KeptOrReadAsync<T>(ConcurrentDictionary<string, T>? kept, string name, Func<Task<T?>> read)
        where T : class
    {
        if (kept is not null && kept.TryGetValue(name, out var known))
        {
            return known;
        }

        var value = await read().ConfigureAwait(false);
        if (kept is not null && value is not null)
        {
            kept.TryAdd(name, value);
        }

        return value;
    }

    /// <summary>Ends a scope: puts back the one it replaced.</summary>
    public sealed class End(Action end) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => end();
    }
}
