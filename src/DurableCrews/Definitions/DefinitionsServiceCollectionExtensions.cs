using DurableCrews.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DurableCrews.Definitions;

/// <summary>Registers where crews and flows are defined.</summary>
public static class DefinitionsServiceCollectionExtensions
{
    /// <summary>Adds the crew catalog and its settings (checked at start).</summary>
    public static IServiceCollection AddCrewDefinitions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<CrewCatalogOptions>(configuration, CrewCatalogOptions.SectionName, CrewCatalogOptions.Check);
        services.TryAddSingleton<CrewCatalog>();
        return services;
    }
}
