using DurableCrews.Runs;

namespace DurableCrews.Api;

/// <summary>One run in a list.</summary>
/// <param name="RunId">The run id.</param>
/// <param name="Crew">The crew or flow it runs.</param>
/// <param name="Kind"><c>crew</c> or <c>flow</c>.</param>
/// <param name="Status">Where it is.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="LastUpdatedAt">When it last changed.</param>
public sealed record RunListItem(string RunId, string? Crew, string Kind, CrewRunStatus Status, DateTimeOffset CreatedAt, DateTimeOffset LastUpdatedAt);
