using DurableCrews.Runs;

namespace DurableCrews.Agents;

/// <summary>A task's output and the transcript that produced it.</summary>
public sealed record AgentTaskResult(TaskOutput Output, Transcript Transcript);
