using DurableCrews.Runs;

namespace DurableCrews.Api;

/// <summary>Which runs to list: <c>GET /api/runs?crew=&amp;status=&amp;from=&amp;to=&amp;pageSize=&amp;continuationToken=</c>.</summary>
public sealed record RunListQuery
{
    /// <summary>Only runs of this crew (or flow).</summary>
    public string? Crew { get; init; }

    /// <summary>Only runs in this status.</summary>
    public CrewRunStatus? Status { get; init; }

    /// <summary>Only runs created at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only runs created before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Runs per page, 1 to 100.</summary>
    public int PageSize { get; init; } = 50;

    /// <summary>Where the previous page ended.</summary>
    public string? ContinuationToken { get; init; }
}
