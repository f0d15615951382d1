namespace DurableCrews.Orchestration.AgentWork;

/// <summary>A tool call a model turn asked for, to run as an activity before the agent's next turn.</summary>
/// <param name="Index">The call's index in its turn.</param>
/// <param name="Tool">The tool's name, as the model called it.</param>
/// <param name="TimeoutSeconds">How long one attempt may take.</param>
/// <param name="Retries">How many times a failed attempt is tried again.</param>
/// <param name="RetryDelaySeconds">The wait before the first retry (doubling after each).</param>
public sealed record ToolCallOrder(int Index, string Tool, int TimeoutSeconds, int Retries, int RetryDelaySeconds);
