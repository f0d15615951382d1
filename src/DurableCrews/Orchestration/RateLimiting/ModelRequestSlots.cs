using DurableCrews.Storage;

namespace DurableCrews.Orchestration.RateLimiting;

/// <summary>
/// The run's model request log (<c>crew-runs/{runId}/rate-limits.json</c>), shared by every branch of the run: a
/// request takes its slot at the moment it is sent, under an ETag so that parallel branches never both take the last
/// one. When no slot is free, nothing is taken and the caller learns when one frees, to wait for it durably.
/// </summary>
public sealed class ModelRequestSlots
{
    /// <summary>How many of the latest starts the log keeps per limit as a record, beyond those its window needs.</summary>
    public const int RecordedStarts = 1000;

    /// <summary>
    /// How much longer than the window a slot is held: a request reaches the model server a little after its slot is
    /// taken (a first connection, a busy machine), and the limit must hold at the server.
    /// </summary>
    public static readonly TimeSpan SendAllowance = TimeSpan.FromMilliseconds(250);

    readonly RunStore runs;

    /// <summary>Creates the slots over the run store.</summary>
    public ModelRequestSlots(RunStore runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        this.runs = runs;
    }

    /// <summary>Takes a slot at <paramref name="now"/> in every limit, or, when one of them is full, takes none.</summary>
    /// <returns>Null when the slot is taken and the request may be sent now; else the earliest time (UTC) a slot frees in every limit.</returns>
    public async Task<DateTime?> TryTakeAsync(string runId, IReadOnlyList<RateScope> scopes, TimeSpan window, DateTime now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        if (scopes.Count == 0)
        {
            return null;
        }

        string blob = RunBlobs.RateLimitBlob(runId);
        window += SendAllowance;
        while (true)
        {
            var (log, etag) = await runs.ReadVersionedAsync<Dictionary<string, List<DateTime>>>(blob, cancellationToken).ConfigureAwait(false);
            log ??= [];
            var limiters = scopes.ToDictionary(s => s.Name, s => new RequestRateLimiter(s.Limit, window, log.GetValueOrDefault(s.Name)));
            var earliest = RequestRateLimiter.EarliestCommonStart(now, [.. limiters.Values]);
            if (earliest > now)
            {
                return earliest;
            }

            foreach (var (scope, limiter) in limiters)
            {
                limiter.Grant(now);

                // The log keeps every start that can still matter, and the latest ones as the run's record of when requests started.
                var keep = limiter.Granted;
                log[scope] = [.. keep.Where((t, i) => t > now - window || i >= keep.Count - Math.Max(RecordedStarts, limiter.Limit))];
            }

            try
            {
                await runs.WriteVersionedAsync(blob, log, etag, cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (BlobConditionFailedException)
            {
                // Another branch took a slot at the same moment: read the log again.
            }
        }
    }
}
