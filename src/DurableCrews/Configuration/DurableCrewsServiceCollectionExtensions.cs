using Azure.Identity;
using Azure.Storage.Blobs;
using DurableCrews.AgentWork;
using DurableCrews.Agents;
using DurableCrews.Api;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Notifications;
using DurableCrews.Orchestration;
using DurableCrews.Outbound;
using DurableCrews.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DurableCrews.Configuration;

/// <summary>Registers the DurableCrews library with a host, whichever host it is.</summary>
public static class DurableCrewsServiceCollectionExtensions
{
    /// <summary>Adds models, storage, the agent runner, the activities and the run API, bound to <paramref name="configuration"/>.</summary>
    public static IServiceCollection AddDurableCrews(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        return services
            .AddCrewModels(configuration)
            .AddCrewStorage(configuration)
            .AddCrewDefinitions(configuration)
            .AddCrewNotifications(configuration)
            .AddCrewAgentWork()
            .AddCrewActivities(configuration);
    }

    /// <summary>Adds the model settings (validated at start) and the chat client provider.</summary>
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
        services.TryAddSingleton<CrewMemory>();
        services.TryAddSingleton<CrewKnowledge>();
        return services;
    }

    /// <summary>Adds the blob store (Azure Blob Storage when configured, else the embedded store) and the run store.</summary>
    public static IServiceCollection AddCrewStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<StorageOptions>(configuration, StorageOptions.SectionName, StorageOptions.Check);
        services.TryAddSingleton<IBlobStore>(sp => CreateBlobStore(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.TryAddSingleton<RunStore>();
        services.AddValidatedOptions<MemoryOptions>(configuration, MemoryOptions.SectionName, MemoryOptions.Check);
        services.TryAddSingleton<MemoryStore>();
        services.TryAddSingleton<ResponseCache>();
        services.TryAddSingleton<ToolResultCache>();
        return services;
    }

    /// <summary>Adds the crew catalog.</summary>
    public static IServiceCollection AddCrewDefinitions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<CrewCatalogOptions>(configuration, CrewCatalogOptions.SectionName, CrewCatalogOptions.Check);
        services.TryAddSingleton<CrewCatalog>();
        return services;
    }

    /// <summary>Adds the webhook settings, their HTTP client and the webhook activity.</summary>
    public static IServiceCollection AddCrewNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<WebhookOptions>(configuration, WebhookOptions.SectionName, WebhookOptions.Check);
        services.AddOptions<OutboundOptions>().Bind(configuration.GetSection(OutboundOptions.SectionName));
        services.TryAddSingleton<OutboundPolicies>();
        services.AddHttpClient(WebhookActivity.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundPolicies>().Webhooks.CreateHandler());
        services.TryAddTransient<WebhookActivity>();
        services.AddValidatedOptions<Tools.ToolOptions>(configuration, Tools.ToolOptions.SectionName, Tools.ToolOptions.Check);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<Tools.ToolOptions>>().Value);
        services.AddHttpClient(Tools.WebTools.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<OutboundPolicies>().Tools.CreateHandler());
        services.TryAddSingleton(new Tools.ToolSecrets(configuration));
        services.TryAddSingleton<Tools.FileTools>();
        services.TryAddSingleton<Tools.WebTools>();
        services.TryAddSingleton<Tools.McpServers>();
        services.TryAddSingleton<Tools.CrewTools>();
        return services;
    }

    /// <summary>Adds the activities (resolved per call by both hosts) and the run API.</summary>
    public static IServiceCollection AddCrewActivities(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<QueueOptions, QueueOptionsValidator>(configuration, QueueOptions.SectionName);
        services.AddValidatedOptions<ExecutionOptions, ExecutionOptionsValidator>(configuration, ExecutionOptions.SectionName);
        services.AddValidatedOptions<VersioningOptions, VersioningOptionsValidator>(configuration, VersioningOptions.SectionName);
        services.TryAddTransient<StartRunActivity>();
        services.TryAddTransient<PrepareTaskActivity>();
        services.TryAddTransient<BeginAgentWorkActivity>();
        services.TryAddTransient<AgentTurnActivity>();
        services.TryAddTransient<FinishAgentWorkActivity>();
        services.TryAddTransient<ToolCallActivity>();
        services.TryAddSingleton<ModelRequestSlots>();
        services.TryAddSingleton<InFlightModelCalls>();
        services.TryAddTransient<CompleteRunActivity>();
        services.TryAddTransient<StartFlowActivity>();
        services.TryAddTransient<StartFlowStepActivity>();
        services.TryAddTransient<BeginFlowStepActivity>();
        services.TryAddTransient<FinishFlowStepActivity>();
        services.TryAddTransient<CompleteFlowActivity>();
        services.AddValidatedOptions<Reports.PricingOptions>(configuration, Reports.PricingOptions.SectionName, Reports.PricingOptions.Check);
        services.TryAddTransient<Reports.RunReportService>();
        services.TryAddSingleton<CrewQueues>();
        services.TryAddTransient<PublishResultActivity>();
        services.AddValidatedOptions<ApiOptions>(configuration, ApiOptions.SectionName, ApiOptions.Check);
        services.TryAddSingleton<CrewLibrary>();
        services.TryAddSingleton<RunClientServices>();
        return services;
    }

    /// <summary>
    /// Adds the services that need a <see cref="Microsoft.DurableTask.Client.DurableTaskClient"/> in the container: for a host
    /// that registers one (the self-hosted engine). The Functions worker binds a client per trigger instead and makes these
    /// through <see cref="RunClientServices"/>.
    /// </summary>
    public static IServiceCollection AddCrewClientServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddTransient<TerminateWorkActivity>();
        services.TryAddTransient(sp => sp.GetRequiredService<RunClientServices>().Runs(sp.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>()));
        services.TryAddTransient(sp => sp.GetRequiredService<RunClientServices>().Flows(sp.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>()));
        services.TryAddTransient(sp => sp.GetRequiredService<RunClientServices>().Api(sp.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>()));
        services.TryAddTransient(sp => sp.GetRequiredService<RunClientServices>().Kickoffs(sp.GetRequiredService<Microsoft.DurableTask.Client.DurableTaskClient>()));
        return services;
    }

    /// <summary>The blob store the settings describe.</summary>
    public static IBlobStore CreateBlobStore(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new AzureBlobStore(new BlobServiceClient(options.ConnectionString));
        }

        if (options.BlobServiceUri is { } uri)
        {
            var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ManagedIdentityClientId });
            return new AzureBlobStore(new BlobServiceClient(uri, credential));
        }

        return new LocalBlobStore(options.LocalPath);
    }
}
