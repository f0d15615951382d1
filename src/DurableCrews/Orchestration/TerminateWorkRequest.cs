namespace DurableCrews.Orchestration;

/// <summary>The input of <see cref="TerminateWorkActivity"/>.</summary>
/// <param name="InstanceId">The child orchestration to end.</param>
/// <param name="Reason">Why, recorded as its output.</param>
public sealed record TerminateWorkRequest(string InstanceId, string Reason);
