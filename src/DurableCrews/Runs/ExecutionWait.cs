namespace DurableCrews.Runs;

/// <summary>A time a task spent waiting on a durable timer or an event, costing no worker.</summary>
/// <param name="Reason"><c>rate-limit</c>, <c>retry</c> (a 429 or 5xx from the model) or <c>human-input</c>.</param>
/// <param name="StartedAt">When the wait began.</param>
/// <param name="EndedAt">When it ended.</param>
public sealed record ExecutionWait(string Reason, DateTimeOffset StartedAt, DateTimeOffset EndedAt);
