using DurableCrews.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DurableCrews.Models;

/// <summary>Registers the model layer.</summary>
public static class ModelsServiceCollectionExtensions
{
    /// <summary>Adds the model and embedding settings (checked at start), the chat client provider, the model pipeline and the embedder provider.</summary>
    public static IServiceCollection AddCrewModels(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ModelOptions, ModelOptionsValidator>(configuration, ModelOptions.SectionName);
        services.AddOptions<ModelEndpointsOptions>().Bind(configuration.GetSection(ModelEndpointsOptions.SectionName));
        services.AddOptions<CrewAIEnvironment>().Bind(configuration);
        services.AddValidatedOptions<EmbeddingOptions>(configuration, EmbeddingOptions.SectionName, EmbeddingOptions.Check);
        services.TryAddSingleton<ModelCatalog>();
        services.TryAddSingleton<IChatClientProvider, ChatClientProvider>();
        services.TryAddSingleton<ModelPipeline>();
        services.TryAddSingleton<IEmbedderProvider, EmbedderProvider>();
        return services;
    }
}
