namespace DurableCrews.Reports;

/// <summary>One task in a run report; each item of a <c>for_each</c> task or flow step is one (<c>profile[0]</c>, <c>profile[1]</c> …, its index in <c>Item</c>).</summary>
public sealed record TaskReport(
    string Name,
    string Agent,
    string? Model,
    double DurationSeconds,
    long Tokens,
    decimal? Cost,
    int CacheHits,
    int CacheMisses,
    int Delegations,
    int Retries,
    double WaitSeconds,
    int OutputCharacters,
    string? Skipped = null,
    int? Item = null);
