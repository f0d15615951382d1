using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>Registers the services an agent's work is made of.</summary>
public static class AgentWorkServiceCollectionExtensions
{
    /// <summary>Adds the work's lifecycle (begin, finish, complete the run), the model turn, its tool results, the tool calls in flight and its call planning.</summary>
    public static IServiceCollection AddCrewAgentWork(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddTransient<WorkBeginner>();
        services.TryAddTransient<WorkFinisher>();
        services.TryAddTransient<RunCompleter>();
        services.TryAddTransient<WorkLifecycle>();
        services.TryAddTransient<ToolResultInbox>();
        services.TryAddTransient<CallPlanner>();
        services.TryAddTransient<ModelTurn>();
        services.TryAddSingleton<ToolCallsInFlight>();
        return services;
    }
}
