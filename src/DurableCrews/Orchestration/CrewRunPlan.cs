using DurableCrews.Notifications;

namespace DurableCrews.Orchestration;

/// <summary>What the orchestrator needs to know of a crew to schedule it: names, order and limits, no texts.</summary>
/// <param name="Crew">The crew's name.</param>
/// <param name="Tasks">The tasks in crew order.</param>
/// <param name="MaxExecutionTime">The crew's limit on the whole run, in seconds; null for none.</param>
/// <param name="Webhooks">Where the run's webhooks go.</param>
/// <param name="Planning">Whether a planner turn runs before the tasks.</param>
/// <param name="PublishResults">Whether the run's end goes to <c>crew-results</c>.</param>
/// <param name="RunETag">The ETag of the run's stored request as planned, handed to its works so that a worker that remembers the request uses it without asking the store.</param>
public sealed record CrewRunPlan(string Crew, IReadOnlyList<PlannedTask> Tasks, int? MaxExecutionTime = null, WebhookTargets? Webhooks = null, bool Planning = false, bool PublishResults = false, string? RunETag = null);
