namespace DurableCrews.Orchestration.Crews;

/// <summary>A delegation to start.</summary>
/// <param name="Key">The child work's key (<c>t3/d1</c>); its instance id, when it runs as a sub-orchestration, is <c>{runId}/{Key}</c>.</param>
/// <param name="Coworker">The role of the coworker who does it.</param>
/// <param name="Inline">
/// Whether the coworker's work runs inline in the delegating orchestration: true when the coworker cannot delegate
/// further. Orders recorded by earlier versions have it false and replay as sub-orchestrations.
/// </param>
public sealed record DelegationOrder(string Key, string Coworker, bool Inline = false);
