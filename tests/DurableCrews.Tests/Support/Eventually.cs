namespace DurableCrews.Tests.Support;

/// <summary>Polls a condition until it holds; the test fails (the wait is cancelled) when it has not held within a bound.</summary>
public static class Eventually
{
    static readonly TimeSpan DefaultWithin = TimeSpan.FromSeconds(60);
    static readonly TimeSpan Every = TimeSpan.FromMilliseconds(25);

    /// <summary>Waits until <paramref name="condition"/> holds (at most <paramref name="within"/>, a minute by default).</summary>
    public static async Task HoldsAsync(Func<CancellationToken, Task<bool>> condition, TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? DefaultWithin);
        while (!await condition(timeout.Token))
        {
            await Task.Delay(Every, timeout.Token);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds (at most <paramref name="within"/>, a minute by default).</summary>
    public static Task HoldsAsync(Func<bool> condition, TimeSpan? within = null) =>
        HoldsAsync(_ => Task.FromResult(condition()), within);

    /// <summary>Waits until <paramref name="probe"/> gives a value (not null) and returns it.</summary>
    public static async Task<T> ProbeAsync<T>(Func<CancellationToken, Task<T?>> probe, TimeSpan? within = null)
        where T : class
    {
        T? value = null;
        await HoldsAsync(async ct => (value = await probe(ct)) is not null, within);
        return value!;
    }
}
