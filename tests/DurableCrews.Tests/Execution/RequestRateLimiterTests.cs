using DurableCrews.Orchestration.RateLimiting;

namespace DurableCrews.Tests.Execution;

/// <summary>The sliding-window request limiter that the orchestrations wait on.</summary>
public sealed class RequestRateLimiterTests
{
    static readonly DateTime T0 = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Requests_within_the_limit_start_at_once()
    {
        var limiter = new RequestRateLimiter(3, TimeSpan.FromMinutes(1));

        var starts = Enumerable.Range(0, 3).Select(_ => RequestRateLimiter.Reserve(T0, limiter)).ToList();

        Assert.All(starts, s => Assert.Equal(T0, s));
    }

    [Fact]
    public void Request_over_the_limit_waits_until_the_oldest_leaves_the_window()
    {
        var limiter = new RequestRateLimiter(2, TimeSpan.FromMinutes(1));
        RequestRateLimiter.Reserve(T0, limiter);
        RequestRateLimiter.Reserve(T0.AddSeconds(10), limiter);

        var third = RequestRateLimiter.Reserve(T0.AddSeconds(20), limiter);
        var fourth = RequestRateLimiter.Reserve(T0.AddSeconds(20), limiter);

        Assert.Equal(T0.AddSeconds(60), third);
        Assert.Equal(T0.AddSeconds(70), fourth);
    }

    [Fact]
    public void No_window_ever_holds_more_starts_than_the_limit()
    {
        var limiter = new RequestRateLimiter(5, TimeSpan.FromSeconds(10));
        var random = new Random(7);
        var now = T0;
        var starts = new List<DateTime>();
        for (int i = 0; i < 200; i++)
        {
            now = now.AddMilliseconds(random.Next(0, 900));
            starts.Add(RequestRateLimiter.Reserve(now, limiter));
        }

        Assert.All(starts, s => Assert.True(starts.Count(o => o > s - TimeSpan.FromSeconds(10) && o <= s) <= 5));
    }

    [Fact]
    public void Crew_and_agent_limits_both_hold()
    {
        var crew = new RequestRateLimiter(3, TimeSpan.FromMinutes(1));
        var agent = new RequestRateLimiter(1, TimeSpan.FromMinutes(1));

        var first = RequestRateLimiter.Reserve(T0, crew, agent);
        var second = RequestRateLimiter.Reserve(T0, crew, agent);
        var other = RequestRateLimiter.Reserve(T0, crew, null);

        Assert.Equal(T0, first);
        Assert.Equal(T0.AddMinutes(1), second);
        Assert.Equal(T0, other);
    }
}
