using DurableCrews.Notifications;
using DurableCrews.Orchestration.AgentWork;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Orchestration.Flows;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration;

/// <summary>Registers DurableCrews' orchestrators and activities with a Durable Task worker (the self-hosted engine).</summary>
public static class DurableTaskRegistryExtensions
{
    /// <summary>Adds every DurableCrews orchestrator and activity.</summary>
    public static DurableTaskRegistry AddDurableCrews(this DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry
            .AddOrchestrator<CrewOrchestrator>()
            .AddOrchestrator<CrewWorkOrchestrator>()
            .AddOrchestrator<AgentWorkOrchestrator>()
            .AddOrchestrator<FlowOrchestrator>()
            .AddOrchestrator<FlowWorkOrchestrator>()
            .AddActivity<StartFlowActivity>()
            .AddActivity<StartFlowStepActivity>()
            .AddActivity<BeginFlowStepActivity>()
            .AddActivity<FinishFlowStepActivity>()
            .AddActivity<CompleteFlowActivity>()
            .AddActivity<StartRunActivity>()
            .AddActivity<PrepareTaskActivity>()
            .AddActivity<BeginAgentWorkActivity>()
            .AddActivity<AgentTurnActivity>()
            .AddActivity<FinishAgentWorkActivity>()
            .AddActivity<ToolCallActivity>()
            .AddActivity<TerminateWorkActivity>()
            .AddActivity<WebhookActivity>()
            .AddActivity<PublishResultActivity>()
            .AddActivity<CompleteRunActivity>()
            .AddOrchestrator<EngineProbeOrchestrator>()
            .AddActivity<EngineProbeActivity>();
    }
}
