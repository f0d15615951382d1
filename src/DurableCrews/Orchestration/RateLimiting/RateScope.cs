namespace DurableCrews.Orchestration.RateLimiting;

/// <summary>One request limit: <c>crew</c> or <c>agent:{role}</c>, and the starts it allows per window.</summary>
public sealed record RateScope(string Name, int Limit);
