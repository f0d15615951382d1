using DurableCrews.Storage;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration;

/// <summary>
/// Reserves the earliest start for one model request that every limit it counts against allows, in the run's request
/// log (<c>crew-runs/{runId}/rate-limits.json</c>), updated under an ETag so parallel branches never both take the last
/// slot. The orchestrator then waits for that time on a durable timer: no worker is held, and no durable entity is
/// needed, so the same mechanism works on both hosts.
/// </summary>
public sealed class ReserveModelRequestActivity : TaskActivity<ModelRequestReservation, DateTime>
{
    /// <summary>How many of the latest starts the log keeps per limit as a record, beyond those its window needs.</summary>
    public const int RecordedStarts = 1000;

    readonly RunStore runs;
    readonly TimeProvider time;

    /// <summary>Creates the activity.</summary>
    public ReserveModelRequestActivity(RunStore runs, TimeProvider time)
    {
        this.runs = runs;
        this.time = time;
    }

    /// <inheritdoc />
    public override Task<DateTime> RunAsync(TaskActivityContext context, ModelRequestReservation input) => ExecuteAsync(input);

    /// <summary>Reserves a start and returns it (UTC).</summary>
    public async Task<DateTime> ExecuteAsync(ModelRequestReservation request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var window = TimeSpan.FromSeconds(request.WindowSeconds);
        string blob = RunStore.RateLimitBlob(request.RunId);
        while (true)
        {
            var (log, etag) = await runs.ReadVersionedAsync<Dictionary<string, List<DateTime>>>(blob, cancellationToken).ConfigureAwait(false);
            log ??= [];
            var limiters = request.Scopes.ToDictionary(
                s => s.Name,
                s => new RequestRateLimiter(s.Limit, window, log.GetValueOrDefault(s.Name)));
            var start = RequestRateLimiter.Reserve(time.GetUtcNow().UtcDateTime, [.. limiters.Values]);
            foreach (var (scope, limiter) in limiters)
            {
                // The log keeps every start that can still matter, and the latest ones as the run's record of when requests started.
                var keep = limiter.Granted;
                log[scope] = [.. keep.Where((t, i) => t > start - window || i >= keep.Count - Math.Max(RecordedStarts, limiter.Limit))];
            }

            try
            {
                await runs.WriteVersionedAsync(blob, log, etag, cancellationToken).ConfigureAwait(false);
                return start;
            }
            catch (BlobConditionFailedException)
            {
                // Another branch reserved at the same moment: read its reservation and try again.
            }
        }
    }
}
