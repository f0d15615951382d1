using DurableCrews.Agents;
using DurableCrews.Api;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Notifications;
using DurableCrews.Orchestration;
using DurableCrews.Orchestration.AgentWork;
using DurableCrews.Outbound;
using DurableCrews.Reports;
using DurableCrews.Storage;
using DurableCrews.Tools;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DurableCrews.Configuration;

/// <summary>Registers the DurableCrews library with a host, whichever host it is.</summary>
public static class DurableCrewsServiceCollectionExtensions
{
    /// <summary>Adds the whole library, bound to <paramref name="configuration"/>: one concern a line, each registered beside its code.</summary>
    public static IServiceCollection AddDurableCrews(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        return services
            .AddCrewModels(configuration)         // Models/
            .AddCrewStorage(configuration)        // Storage/
            .AddCrewMemory(configuration)         // Agents/: memory and knowledge
            .AddCrewDefinitions(configuration)    // Definitions/
            .AddCrewOutbound(configuration)       // Outbound/: the destination policy of tools and webhooks
            .AddCrewTools(configuration)          // Tools/
            .AddCrewNotifications(configuration)  // Notifications/: webhooks
            .AddCrewAgentWork()                   // AgentWork/: the model turn and the work's lifecycle
            .AddCrewActivities(configuration)     // Orchestration/
            .AddCrewReports(configuration)        // Reports/
            .AddCrewApi(configuration);           // Api/
    }
}
