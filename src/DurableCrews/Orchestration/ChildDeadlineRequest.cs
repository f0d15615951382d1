namespace DurableCrews.Orchestration;

/// <summary>A sub-orchestration for <see cref="ChildDeadline"/> to run, and the deadline it runs against.</summary>
/// <param name="Orchestrator">The child's orchestrator name.</param>
/// <param name="InstanceId">The child's instance id.</param>
/// <param name="Input">The child's input, as it is recorded in the history.</param>
/// <param name="Descendants">The instance-id prefixes terminated with the child when the deadline passes first.</param>
/// <param name="What">What runs, as the termination reason names it ("The crew", "Task 'write'").</param>
internal sealed record ChildDeadlineRequest(string Orchestrator, string InstanceId, object Input, IReadOnlyList<string> Descendants, string What)
{
    /// <summary>The deadline in seconds (a <c>max_execution_time</c>); null runs the child with none.</summary>
    public int? Seconds { get; init; }
}
