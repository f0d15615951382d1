using DurableCrews.Runs;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>The input of <see cref="FinishAgentWorkActivity"/>: the work, and what only the orchestrator knows of it.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Key">The work's key.</param>
/// <param name="Retries">Model requests retried and guardrail revisions.</param>
/// <param name="Waits">Durable waits: rate limits, retry backoff, human input.</param>
public sealed record FinishAgentWorkRequest(string RunId, string Key, int Retries, IReadOnlyList<ExecutionWait> Waits);
