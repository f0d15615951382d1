using DurableCrews.Runs;

namespace DurableCrews.Orchestration;

/// <summary>What a finished task tells the orchestrator: where its output is, and what it cost. The output stays in its blob.</summary>
public sealed record AgentTaskSummary(int Index, string Name, string OutputBlob, TokenUsage TokenUsage);
