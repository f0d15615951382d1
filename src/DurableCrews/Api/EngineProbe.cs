using DurableCrews.Orchestration;
using DurableCrews.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace DurableCrews.Api;

/// <summary>
/// The checks behind <c>GET /api/health</c>: storage answers (one blob read), and, when asked, the engine runs a probe
/// orchestration of bare activities end to end within <see cref="Limit"/>. The probe's instance is purged afterwards, so
/// probes leave no history behind.
/// </summary>
/// <param name="client">The engine's client.</param>
/// <param name="blobs">The storage checked.</param>
/// <param name="time">The clock probes are timed with.</param>
/// <param name="limit">How long a probe may take; <see cref="Limit"/> by default.</param>
public sealed class EngineProbe(DurableTaskClient client, IBlobStore blobs, TimeProvider time, TimeSpan? limit = null)
{
    /// <summary>The most activities one probe runs.</summary>
    public const int MaxActivities = 20;

    /// <summary>How long a probe may take by default before the engine is reported unhealthy.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    readonly TimeSpan probeLimit = limit ?? Limit;

    /// <summary>Checks storage and, when <paramref name="activities"/> is above zero, runs a probe of that many activities.</summary>
    public async Task<EngineHealth> CheckAsync(int activities, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(activities);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(activities, MaxActivities);
        long started = time.GetTimestamp();
        try
        {
            await blobs.GetETagAsync(BlobNames.RunsContainer, "health-check", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return EngineHealth.Unhealthy($"storage did not answer: {ex.Message}");
        }

        double storageMs = time.GetElapsedTime(started).TotalMilliseconds;
        if (activities == 0)
        {
            return new EngineHealth("Healthy", storageMs);
        }

        string instanceId = $"health-probe-{Guid.NewGuid():N}";
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(probeLimit);
        long probing = time.GetTimestamp();
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(EngineProbeOrchestrator), activities, new StartOrchestrationOptions(instanceId), bounded.Token).ConfigureAwait(false);
            var done = await client.WaitForInstanceCompletionAsync(instanceId, bounded.Token).ConfigureAwait(false);
            double elapsed = time.GetElapsedTime(probing).TotalMilliseconds;
            return done.RuntimeStatus == OrchestrationRuntimeStatus.Completed
                ? new EngineHealth("Healthy", storageMs, new EngineProbeResult(activities, elapsed, (done.LastUpdatedAt - done.CreatedAt).TotalMilliseconds))
                : EngineHealth.Unhealthy($"the probe ended {done.RuntimeStatus}: {done.FailureDetails?.ErrorMessage}", storageMs);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return EngineHealth.Unhealthy($"the engine did not run a probe of {activities} activities within {probeLimit.TotalSeconds:0.#} s", storageMs);
        }
        finally
        {
            await ForgetAsync(instanceId).ConfigureAwait(false);
        }
    }

    /// <summary>Ends and purges the probe's instance, bounded: a probe leaves nothing behind, and its cleanup never fails the check.</summary>
    async Task ForgetAsync(string instanceId)
    {
        using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            var state = await client.GetInstanceAsync(instanceId, cleanup.Token).ConfigureAwait(false);
            if (state is { IsRunning: true } || state?.RuntimeStatus == OrchestrationRuntimeStatus.Pending)
            {
                await client.TerminateInstanceAsync(instanceId, cancellation: cleanup.Token).ConfigureAwait(false);
            }

            if (state is not null)
            {
                await client.PurgeInstanceAsync(instanceId, cancellation: cleanup.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A probe that could not be cleaned up stays as a small finished instance; the health answer stands.
        }
    }
}
