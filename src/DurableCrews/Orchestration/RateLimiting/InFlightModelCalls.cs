using System.Collections.Concurrent;

namespace DurableCrews.Orchestration.RateLimiting;

/// <summary>
/// The model calls running in this process, by the work they belong to (<c>{runId}/{key}</c>), so that ending that
/// work (a deadline, a termination) also cancels its call instead of leaving it to run, and be paid for, to the end.
/// A call running in another process of a scaled-out app is not reached; its result is simply not used.
/// </summary>
public sealed class InFlightModelCalls
{
    readonly ConcurrentDictionary<CancellationTokenSource, string> calls = new();

    /// <summary>Registers a call of <paramref name="workInstanceId"/>; dispose the result when the call ends.</summary>
    public Registration Start(string workInstanceId, CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        calls[source] = workInstanceId;
        return new Registration(this, source);
    }

    /// <summary>Cancels the calls of <paramref name="instanceId"/> and of every instance under <paramref name="prefixes"/>; how many.</summary>
    public int Cancel(string instanceId, IEnumerable<string> prefixes)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        var under = prefixes.ToList();
        int cancelled = 0;
        foreach (var (source, work) in calls)
        {
            if (work == instanceId || under.Any(p => work.StartsWith(p, StringComparison.Ordinal)))
            {
                source.Cancel();
                cancelled++;
            }
        }

        return cancelled;
    }

    /// <summary>One registered call: its token, cancelled when its work ends.</summary>
    public sealed class Registration : IDisposable
    {
        readonly InFlightModelCalls owner;
        readonly CancellationTokenSource source;

        internal Registration(InFlightModelCalls owner, CancellationTokenSource source)
        {
            this.owner = owner;
            this.source = source;
        }

        /// <summary>Cancelled when the call's work is ended.</summary>
        public CancellationToken Token => source.Token;

        /// <inheritdoc />
        public void Dispose()
        {
            owner.calls.TryRemove(source, out _);
            source.Dispose();
        }
    }
}
