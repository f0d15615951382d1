using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using Azure;
using Azure.AI.OpenAI;
using Azure.Identity;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;

namespace DurableCrews.Models;

/// <summary>
/// Resolves model references against the configured default (<see cref="ModelOptions"/>): Azure OpenAI
/// (API key or <c>DefaultAzureCredential</c>), an OpenAI-compatible endpoint, or the offline model.
/// Clients are built once per provider and model and shared.
/// </summary>
public sealed class ChatClientProvider : IChatClientProvider
{
    readonly ModelOptions options;
    readonly TimeProvider time;
    readonly ConcurrentDictionary<(string Provider, string? Name), ResolvedModel> clients = new();

    /// <summary>Creates the provider from the model settings.</summary>
    public ChatClientProvider(IOptions<ModelOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options.Value;
        this.time = time;
    }

    /// <inheritdoc />
    public ResolvedModel Resolve(ModelReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        string provider = reference.Provider ?? options.Provider;
        string? name = reference.Name ?? options.Name;
        return clients.GetOrAdd((provider, name), key => Create(key.Provider, key.Name));
    }

    ResolvedModel Create(string provider, string? name) => provider switch
    {
        ModelProviders.Offline => new ResolvedModel(
            new OfflineChatClient(TimeSpan.FromMilliseconds(options.OfflineLatencyMs), time),
            name is null || options.Provider == ModelProviders.Offline && name == options.Name ? "offline" : $"offline (stand-in for {name})"),
        ModelProviders.AzureOpenAI => new ResolvedModel(CreateAzure(RequireName(provider, name)), $"{provider}/{name}"),
        ModelProviders.OpenAICompatible => new ResolvedModel(CreateCompatible(RequireName(provider, name)), $"{provider}/{name}"),
        _ => throw new ModelConfigurationException($"Unknown model provider '{provider}'; use one of {string.Join(", ", ModelProviders.All)}."),
    };

    IChatClient CreateAzure(string deployment)
    {
        var endpoint = RequireEndpoint(ModelProviders.AzureOpenAI);
        // Throttling and server errors are retried by the orchestration on durable timers, not inside the call.
        var clientOptions = new AzureOpenAIClientOptions { RetryPolicy = new ClientRetryPolicy(maxRetries: 0), NetworkTimeout = TimeSpan.FromSeconds(options.TimeoutSeconds) };
        var client = string.IsNullOrWhiteSpace(options.ApiKey)
            ? new AzureOpenAIClient(endpoint, new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ManagedIdentityClientId }), clientOptions)
            : new AzureOpenAIClient(endpoint, new AzureKeyCredential(options.ApiKey), clientOptions);
        return client.GetChatClient(deployment).AsIChatClient();
    }

    IChatClient CreateCompatible(string model)
    {
        var endpoint = RequireEndpoint(ModelProviders.OpenAICompatible);

        // Local servers (Ollama, LM Studio, vLLM) accept any key; the OpenAI client insists on one.
        var credential = new ApiKeyCredential(string.IsNullOrWhiteSpace(options.ApiKey) ? "not-needed" : options.ApiKey);
        var clientOptions = new OpenAIClientOptions { Endpoint = endpoint, RetryPolicy = new ClientRetryPolicy(maxRetries: 0), NetworkTimeout = TimeSpan.FromSeconds(options.TimeoutSeconds) };
        return new OpenAIClient(credential, clientOptions).GetChatClient(model).AsIChatClient();
    }

    Uri RequireEndpoint(string provider) =>
        options.Endpoint ?? throw new ModelConfigurationException($"The {provider} provider needs DurableCrews:Model:Endpoint (environment variable DurableCrews__Model__Endpoint).");

    static string RequireName(string provider, string? name) =>
        string.IsNullOrWhiteSpace(name)
            ? throw new ModelConfigurationException($"The {provider} provider needs a model name: set DurableCrews:Model:Name, or give the agent an llm such as '{(provider == ModelProviders.AzureOpenAI ? "azure/my-deployment" : "openai-compatible/llama3")}'.")
            : name;
}
