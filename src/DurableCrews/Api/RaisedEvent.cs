using DurableCrews.Runs;

namespace DurableCrews.Api;

/// <summary>What raising an event on a run came to.</summary>
/// <param name="Result">Done; NotFound when there is no such run; Conflict when the run has ended.</param>
/// <param name="Instance">The instance the event went to (the task that waits for it, or the run).</param>
/// <param name="RunStatus">With Conflict: the run's status (the one it ended with, or Running when nothing waits).</param>
/// <param name="Reason">With Conflict: why the event was not raised, when it is not that the run has ended.</param>
public sealed record RaisedEvent(RunActionResult Result, string? Instance = null, CrewRunStatus? RunStatus = null, string? Reason = null);
