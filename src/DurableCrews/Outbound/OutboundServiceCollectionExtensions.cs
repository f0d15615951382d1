using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DurableCrews.Outbound;

/// <summary>Registers the one destination policy every outbound request goes through.</summary>
public static class OutboundServiceCollectionExtensions
{
    /// <summary>Adds the outbound settings and the destination policies of tools and webhooks.</summary>
    public static IServiceCollection AddCrewOutbound(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OutboundOptions>().Bind(configuration.GetSection(OutboundOptions.SectionName));
        services.TryAddSingleton<OutboundPolicies>();
        return services;
    }
}
