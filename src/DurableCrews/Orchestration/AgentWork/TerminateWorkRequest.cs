namespace DurableCrews.Orchestration.AgentWork;

/// <summary>The input of <see cref="TerminateWorkActivity"/>.</summary>
/// <param name="InstanceId">The child orchestration to end.</param>
/// <param name="Reason">Why, recorded as its output.</param>
/// <param name="Descendants">The id prefixes of the instances working under it (<c>{runId}/</c> for a run's work, <c>{runId}/t3/</c> for a task's delegations, also <c>{runId}.</c> for a flow's step runs).</param>
public sealed record TerminateWorkRequest(string InstanceId, string Reason, IReadOnlyList<string> Descendants);
