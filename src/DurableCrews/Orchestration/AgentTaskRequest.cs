namespace DurableCrews.Orchestration;

/// <summary>The input of <see cref="AgentTaskActivity"/>: which task of which run, and the tasks it gets as context.</summary>
public sealed record AgentTaskRequest(string RunId, int TaskIndex, IReadOnlyList<int> Context);
