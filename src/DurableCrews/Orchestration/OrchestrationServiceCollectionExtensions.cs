using DurableCrews.Configuration;
using DurableCrews.Orchestration.AgentWork;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Orchestration.Flows;
using DurableCrews.Orchestration.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DurableCrews.Orchestration;

/// <summary>Registers the activities both hosts resolve per call, and what paces them.</summary>
public static class OrchestrationServiceCollectionExtensions
{
    /// <summary>Adds the execution and versioning settings (checked at start), the request slots and the activities.</summary>
    public static IServiceCollection AddCrewActivities(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ExecutionOptions, ExecutionOptionsValidator>(configuration, ExecutionOptions.SectionName);
        services.AddValidatedOptions<VersioningOptions, VersioningOptionsValidator>(configuration, VersioningOptions.SectionName);
        services.TryAddSingleton<ModelRequestSlots>();
        services.TryAddSingleton<InFlightModelCalls>();
        services.TryAddTransient<StartRunActivity>();
        services.TryAddTransient<PrepareTaskActivity>();
        services.TryAddTransient<BeginAgentWorkActivity>();
        services.TryAddTransient<AgentTurnActivity>();
        services.TryAddTransient<FinishAgentWorkActivity>();
        services.TryAddTransient<ToolCallActivity>();
        services.TryAddTransient<CompleteRunActivity>();
        services.TryAddTransient<StartFlowActivity>();
        services.TryAddTransient<StartFlowStepActivity>();
        services.TryAddTransient<BeginFlowStepActivity>();
        services.TryAddSingleton<FlowStateCache>();
        services.TryAddTransient<FinishFlowStepActivity>();
        services.TryAddTransient<CompleteFlowActivity>();
        services.TryAddTransient<PublishResultActivity>();
        return services;
    }
}
