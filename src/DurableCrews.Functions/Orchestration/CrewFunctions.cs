using DurableCrews.Notifications;
using DurableCrews.Orchestration;
using DurableCrews.Orchestration.AgentWork;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Orchestration.Flows;
using DurableCrews.Orchestration.RateLimiting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace DurableCrews.Functions.Orchestration;

/// <summary>
/// The Durable Functions entry points: thin wrappers that hand each orchestration and activity to the
/// library's classes, the same ones the self-hosted engine runs.
/// </summary>
public sealed class CrewFunctions(
    StartRunActivity startRun,
    BeginAgentWorkActivity beginWork,
    AgentTurnActivity agentTurn,
    FinishAgentWorkActivity finishWork,
    WebhookActivity webhook,
    CompleteRunActivity completeRun,
    StartFlowActivity startFlow,
    StartFlowStepActivity startFlowStep,
    BeginFlowStepActivity beginFlowStep,
    FinishFlowStepActivity finishFlowStep,
    CompleteFlowActivity completeFlow,
    PublishResultActivity publishResult,
    ToolCallActivity toolCall,
    InFlightModelCalls inFlightCalls,
    PrepareTaskActivity prepareTask)
{
    /// <summary>Tells crew-results that a run ended.</summary>
    [Function(nameof(PublishResultActivity))]
    public Task<bool> PublishResult([ActivityTrigger] CrewRunSummary summary, FunctionContext context) =>
        publishResult.ExecuteAsync(summary, context.CancellationToken);

    /// <summary>One flow run: several crews as sub-orchestrations.</summary>
    [Function(nameof(FlowOrchestrator))]
    public static Task<CrewRunSummary> RunFlow([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new FlowOrchestrator().RunAsync(context, context.GetInput<CrewRunInput>()!);
    }

    /// <summary>A flow's steps under its deadline.</summary>
    [Function(nameof(FlowWorkOrchestrator))]
    public static Task<CrewWorkOutcome> RunFlowWork([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new FlowWorkOrchestrator().RunAsync(context, context.GetInput<CrewRunInput>()!);
    }

    /// <summary>Reads a flow run's request and plans it.</summary>
    [Function(nameof(StartFlowActivity))]
    public Task<FlowPlan> StartFlow([ActivityTrigger] string runId, FunctionContext context) =>
        startFlow.ExecuteAsync(runId, context.CancellationToken);

    /// <summary>Stores one flow step's run request.</summary>
    [Function(nameof(StartFlowStepActivity))]
    public Task<string> StartFlowStep([ActivityTrigger] FlowStepRequest request, FunctionContext context) =>
        startFlowStep.ExecuteAsync(request, context.CancellationToken);

    /// <summary>Stores the crew runs of one run of a CrewAI-style flow's step (one per item).</summary>
    [Function(nameof(BeginFlowStepActivity))]
    public Task<FlowStepStart> BeginFlowStep([ActivityTrigger] FlowStepOrder order, FunctionContext context) =>
        beginFlowStep.ExecuteAsync(order, context.CancellationToken);

    /// <summary>Applies a finished step's set and router and stores the flow's state.</summary>
    [Function(nameof(FinishFlowStepActivity))]
    public Task<FlowStepEnd> FinishFlowStep([ActivityTrigger] FlowStepOrder order, FunctionContext context) =>
        finishFlowStep.ExecuteAsync(order, context.CancellationToken);

    /// <summary>Gathers a flow's result.</summary>
    [Function(nameof(CompleteFlowActivity))]
    public Task<CrewRunSummary> CompleteFlow([ActivityTrigger] CompleteRunRequest request, FunctionContext context) =>
        completeFlow.ExecuteAsync(request, context.CancellationToken);

    /// <summary>One crew kickoff.</summary>
    [Function(nameof(CrewOrchestrator))]
    public static Task<CrewRunSummary> RunCrew([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new CrewOrchestrator().RunAsync(context, context.GetInput<CrewRunInput>()!);
    }

    /// <summary>A crew's tasks under its deadline.</summary>
    [Function(nameof(CrewWorkOrchestrator))]
    public static Task<CrewWorkOutcome> RunCrewWork([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new CrewWorkOrchestrator().RunAsync(context, context.GetInput<CrewWorkInput>()!);
    }

    /// <summary>One agent's work on a task or a delegation.</summary>
    [Function(nameof(AgentWorkOrchestrator))]
    public static Task<AgentWorkSummary> RunAgentWork([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new AgentWorkOrchestrator().RunAsync(context, context.GetInput<AgentWorkInput>()!);
    }

    /// <summary>Reads a run's request and plans it.</summary>
    [Function(nameof(StartRunActivity))]
    public Task<CrewRunPlan> StartRun([ActivityTrigger] string runId, FunctionContext context) =>
        startRun.ExecuteAsync(runId, context.CancellationToken);

    /// <summary>Decides whether a task with a condition or for_each runs, and over which items.</summary>
    [Function(nameof(PrepareTaskActivity))]
    public Task<TaskPreparation> PrepareTask([ActivityTrigger] PrepareTaskRequest request, FunctionContext context) =>
        prepareTask.ExecuteAsync(request, context.CancellationToken);

    /// <summary>Begins one agent's work.</summary>
    [Function(nameof(BeginAgentWorkActivity))]
    public Task<AgentWorkStart> BeginAgentWork([ActivityTrigger] AgentWorkInput input, FunctionContext context) =>
        beginWork.ExecuteAsync(input, context.CancellationToken);

    /// <summary>One model turn.</summary>
    [Function(nameof(AgentTurnActivity))]
    public Task<AgentTurnOutcome> RunAgentTurn([ActivityTrigger] AgentTurnRequest request, FunctionContext context) =>
        agentTurn.ExecuteAsync(request, context.CancellationToken);

    /// <summary>Makes one attempt at one tool call of an agent (never again once it has succeeded).</summary>
    [Function(nameof(ToolCallActivity))]
    public Task<ToolCallOutcome> CallTool([ActivityTrigger] ToolCallRequest request, FunctionContext context) =>
        toolCall.ExecuteAsync(request, context.CancellationToken);

    /// <summary>Finishes one agent's work.</summary>
    [Function(nameof(FinishAgentWorkActivity))]
    public Task<AgentWorkSummary> FinishAgentWork([ActivityTrigger] FinishAgentWorkRequest request, FunctionContext context) =>
        finishWork.ExecuteAsync(request, context.CancellationToken);

    /// <summary>The health probe: a number of bare activities in a row.</summary>
    [Function(nameof(EngineProbeOrchestrator))]
    public static Task<int> RunEngineProbe([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new EngineProbeOrchestrator().RunAsync(context, context.GetInput<int>());
    }

    /// <summary>One step of the health probe.</summary>
    [Function(nameof(EngineProbeActivity))]
    public static int RunEngineProbeStep([ActivityTrigger] int step) => EngineProbeActivity.Step(step);

    /// <summary>Terminates a child orchestration at its deadline.</summary>
    [Function(nameof(TerminateWorkActivity))]
    public Task<bool> TerminateWork([ActivityTrigger] TerminateWorkRequest request, [DurableClient] DurableTaskClient client, FunctionContext context) =>
        new TerminateWorkActivity(client, inFlightCalls).ExecuteAsync(request, context.CancellationToken);

    /// <summary>Sends one webhook.</summary>
    [Function(nameof(WebhookActivity))]
    public Task<int> SendWebhook([ActivityTrigger] WebhookRequest request, FunctionContext context) =>
        webhook.ExecuteAsync(request, context.CancellationToken);

    /// <summary>Gathers a run's result.</summary>
    [Function(nameof(CompleteRunActivity))]
    public Task<CrewRunSummary> CompleteRun([ActivityTrigger] CompleteRunRequest request, FunctionContext context) =>
        completeRun.ExecuteAsync(request, context.CancellationToken);
}
