using DurableCrews.Orchestration;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace DurableCrews.Functions.Orchestration;

/// <summary>
/// The Durable Functions entry points: thin wrappers that hand each orchestration and activity to the
/// library's classes, the same ones the self-hosted engine runs.
/// </summary>
public sealed class CrewFunctions(StartRunActivity startRun, AgentTaskActivity agentTask, CompleteRunActivity completeRun)
{
    /// <summary>One crew kickoff.</summary>
    [Function(nameof(CrewOrchestrator))]
    public static Task<CrewRunSummary> RunCrew([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new CrewOrchestrator().RunAsync(context, context.GetInput<CrewRunInput>()!);
    }

    /// <summary>Reads a run's request and plans it.</summary>
    [Function(nameof(StartRunActivity))]
    public Task<CrewRunPlan> StartRun([ActivityTrigger] string runId, FunctionContext context) =>
        startRun.ExecuteAsync(runId, context?.CancellationToken ?? default);

    /// <summary>Runs one agent task.</summary>
    [Function(nameof(AgentTaskActivity))]
    public Task<AgentTaskSummary> RunAgentTask([ActivityTrigger] AgentTaskRequest request, FunctionContext context) =>
        agentTask.ExecuteAsync(request, context?.CancellationToken ?? default);

    /// <summary>Gathers a run's result.</summary>
    [Function(nameof(CompleteRunActivity))]
    public Task<CrewRunSummary> CompleteRun([ActivityTrigger] CompleteRunRequest request, FunctionContext context) =>
        completeRun.ExecuteAsync(request, context?.CancellationToken ?? default);
}
