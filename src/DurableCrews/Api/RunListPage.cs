namespace DurableCrews.Api;

/// <summary>A page of runs, and the token of the next page when there is one.</summary>
/// <param name="Runs">The runs, newest first within the page.</param>
/// <param name="ContinuationToken">Pass it back for the next page; null on the last.</param>
public sealed record RunListPage(IReadOnlyList<RunListItem> Runs, string? ContinuationToken);
