namespace DurableCrews.Reports;

/// <summary>One task in a run report.</summary>
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
    int OutputCharacters);
