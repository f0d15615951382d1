namespace DurableCrews.Cli.Engine;

/// <summary>Renews one lock on a fixed interval until stopped; a failed renewal is tried again at the next interval.</summary>
internal sealed class LockRenewal
{
    readonly CancellationTokenSource stop = new();
    Task loop = Task.CompletedTask;

    LockRenewal()
    {
    }

    public static LockRenewal Start(TimeSpan every, Func<Task> renew)
    {
        var renewal = new LockRenewal();
        renewal.loop = Task.Run(() => renewal.RunAsync(every, renew));
        return renewal;
    }

    async Task RunAsync(TimeSpan every, Func<Task> renew)
    {
        while (true)
        {
            try
            {
                await Task.Delay(every, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await renew().ConfigureAwait(false);
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                // The message may be momentarily out of reach; the next interval comes well before the lock runs out.
            }
        }
    }

    /// <summary>Stops renewing and waits for a renewal under way.</summary>
    public async Task StopAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await loop.ConfigureAwait(false);
        stop.Dispose();
    }
}
