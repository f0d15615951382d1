using DurableCrews.Configuration;
using DurableCrews.Orchestration.AgentWork;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DurableCrews.Api;

/// <summary>Registers the run API, its queues, and the services made over a Durable Task client.</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>Adds the API and queue settings (checked at start), the crew library, the queues and the client services' factory.</summary>
    public static IServiceCollection AddCrewApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<QueueOptions, QueueOptionsValidator>(configuration, QueueOptions.SectionName);
        services.AddValidatedOptions<ApiOptions>(configuration, ApiOptions.SectionName, ApiOptions.Check);
        services.TryAddSingleton<CrewQueues>();
        services.TryAddSingleton<CrewLibrary>();
        services.TryAddSingleton<RunClientServices>();
        return services;
    }

    /// <summary>
    /// Adds the services that need a <see cref="DurableTaskClient"/> in the container: for a host that registers one (the
    /// self-hosted engine). The Functions worker binds a client per trigger instead and makes these through <see cref="RunClientServices"/>.
    /// </summary>
    public static IServiceCollection AddCrewClientServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddTransient<TerminateWorkActivity>();
        services.TryAddTransient(sp => sp.GetRequiredService<RunClientServices>().Runs(Client(sp)));
        services.TryAddTransient(sp => sp.GetRequiredService<RunClientServices>().Flows(Client(sp)));
        services.TryAddTransient(sp => sp.GetRequiredService<RunClientServices>().Api(Client(sp)));
        services.TryAddTransient(sp => sp.GetRequiredService<RunClientServices>().Kickoffs(Client(sp)));
        return services;
    }

    static DurableTaskClient Client(IServiceProvider services) => services.GetRequiredService<DurableTaskClient>();
}
