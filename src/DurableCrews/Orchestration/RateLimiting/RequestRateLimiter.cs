namespace DurableCrews.Orchestration.RateLimiting;

/// <summary>
/// A sliding-window limit on when model requests may start: at most <see cref="Limit"/> starts in any
/// <see cref="Window"/>. It only computes times; the orchestration waits for them on durable timers, so a wait
/// holds no worker. Deterministic: the same grants in the same order give the same times on every replay.
/// </summary>
public sealed class RequestRateLimiter
{
    readonly List<DateTime> granted = [];

    /// <summary>Creates a limiter.</summary>
    /// <param name="limit">Starts allowed per window (a crew's or agent's <c>max_rpm</c>).</param>
    /// <param name="window">The window; one minute in production.</param>
    /// <param name="granted">Starts granted before, as <see cref="Granted"/> gave them.</param>
    public RequestRateLimiter(int limit, TimeSpan window, IEnumerable<DateTime>? granted = null)
    {
        this.granted.AddRange(granted ?? []);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        Limit = limit;
        Window = window;
    }

    /// <summary>Starts allowed per window.</summary>
    public int Limit { get; }

    /// <summary>The window.</summary>
    public TimeSpan Window { get; }

    /// <summary>The starts granted that can still matter, oldest first.</summary>
    public IReadOnlyList<DateTime> Granted => granted.Order().ToList();

    /// <summary>The earliest time at or after <paramref name="now"/> when one more request may start.</summary>
    public DateTime EarliestStart(DateTime now)
    {
        return granted.Select(t => t + Window).Where(t => t > now).Order().Prepend(now).First(Allows);
    }

    /// <summary>Records a request starting at <paramref name="start"/>, which must be a time <see cref="EarliestStart"/> allowed.</summary>
    public void Grant(DateTime start) => granted.Add(start);

    // A start at c is allowed when every window [a, a + Window) that holds c holds fewer than Limit starts;
    // the fullest such windows begin at c itself or at a granted start in (c - Window, c].
    bool Allows(DateTime c) => granted
        .Where(t => t > c - Window && t <= c)
        .Append(c)
        .All(a => granted.Count(t => t >= a && t < a + Window) < Limit);

    /// <summary>The earliest start every limiter allows, granted in all of them.</summary>
    public static DateTime Reserve(DateTime now, params RequestRateLimiter?[] limiters)
    {
        DateTime start = EarliestCommonStart(now, limiters);
        foreach (var limiter in limiters.OfType<RequestRateLimiter>())
        {
            limiter.Grant(start);
        }

        return start;
    }

    /// <summary>The earliest start at or after <paramref name="now"/> that every limiter allows; nothing is granted.</summary>
    public static DateTime EarliestCommonStart(DateTime now, params RequestRateLimiter?[] limiters)
    {
        ArgumentNullException.ThrowIfNull(limiters);
        var active = limiters.OfType<RequestRateLimiter>().ToList();

        DateTime start = now;
        for (bool moved = true; moved;)
        {
            moved = false;
            foreach (var limiter in active)
            {
                var earliest = limiter.EarliestStart(start);
                if (earliest > start)
                {
                    start = earliest;
                    moved = true;
                }
            }
        }

        return start;
    }
}
