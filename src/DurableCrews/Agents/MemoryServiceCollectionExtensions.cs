using DurableCrews.Configuration;
using DurableCrews.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DurableCrews.Agents;

/// <summary>Registers the crews' memory and knowledge.</summary>
public static class MemoryServiceCollectionExtensions
{
    /// <summary>Adds the memory settings (checked at start), the segment store, and the crews' memory and knowledge over it.</summary>
    public static IServiceCollection AddCrewMemory(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<MemoryOptions>(configuration, MemoryOptions.SectionName, MemoryOptions.Check);
        services.TryAddSingleton<MemoryStore>();
        services.TryAddSingleton<CrewMemory>();
        services.TryAddSingleton<CrewKnowledge>();
        return services;
    }
}
