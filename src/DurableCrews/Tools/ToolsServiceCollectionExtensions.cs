using DurableCrews.Configuration;
using DurableCrews.Outbound;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DurableCrews.Tools;

/// <summary>Registers the agents' tools.</summary>
public static class ToolsServiceCollectionExtensions
{
    /// <summary>Adds the tool settings (checked at start), the tools' HTTP client and secrets, and the file, web, MCP and crew tools.</summary>
    public static IServiceCollection AddCrewTools(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ToolOptions>(configuration, ToolOptions.SectionName, ToolOptions.Check);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ToolOptions>>().Value);
        services.AddHttpClient(WebTools.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundPolicies>().Tools.CreateHandler());
        services.TryAddSingleton(new ToolSecrets(configuration));
        services.TryAddSingleton<FileTools>();
        services.TryAddSingleton<WebTools>();
        services.TryAddSingleton<McpServers>();
        services.TryAddSingleton<CrewTools>();
        return services;
    }
}
