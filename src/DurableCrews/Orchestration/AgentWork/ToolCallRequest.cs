namespace DurableCrews.Orchestration.AgentWork;

/// <summary>One attempt at one tool call: the call <paramref name="Index"/> of turn <paramref name="Turn"/> of work <paramref name="Key"/>.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Key">The agent work that asked for it.</param>
/// <param name="Turn">The model turn that asked for it.</param>
/// <param name="Index">The call's index in that turn.</param>
/// <param name="Attempt">The attempt, from 0.</param>
/// <param name="RunETag">The ETag of the run's stored request, when the run's plan gave it.</param>
public sealed record ToolCallRequest(string RunId, string Key, int Turn, int Index, int Attempt = 0, string? RunETag = null);
