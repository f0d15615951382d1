namespace DurableCrews.Orchestration;

/// <summary>A delegation to start as a sub-orchestration.</summary>
/// <param name="Key">The child work's key (<c>t3/d1</c>); its instance id is <c>{runId}/{Key}</c>.</param>
/// <param name="Coworker">The role of the coworker who does it.</param>
public sealed record DelegationOrder(string Key, string Coworker);
