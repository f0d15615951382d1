using System.ClientModel;
using System.Collections.Concurrent;
using Azure;
using Azure.AI.OpenAI;
using Azure.Identity;
using DurableCrews.Definitions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;

namespace DurableCrews.Models;

/// <summary>
/// Resolves a crew's embedder: the offline lexical embedder, Azure OpenAI embeddings deployments, or an
/// OpenAI-compatible embeddings endpoint. Generators are built once per provider, model and size.
/// </summary>
public sealed class EmbedderProvider : IEmbedderProvider
{
    /// <summary>The chunk size when a crew's embedder gives none, in characters.</summary>
    public const int DefaultChunkSize = 1000;

    readonly EmbeddingOptions options;
    readonly ModelOptions model;
    readonly ConcurrentDictionary<(string Provider, string? Name, int? Dimensions), IEmbeddingGenerator<string, Embedding<float>>> generators = new();

    /// <summary>Creates the provider from the embeddings and model settings.</summary>
    public EmbedderProvider(IOptions<EmbeddingOptions> options, IOptions<ModelOptions> model)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(model);
        this.options = options.Value;
        this.model = model.Value;
    }

    /// <inheritdoc />
    public ResolvedEmbedder Resolve(EmbedderDefinition? embedder)
    {
        string provider = ProviderOf(embedder?.Provider);
        string? name = embedder?.Model ?? options.Name;
        int? dimensions = embedder?.Dimensions;
        int chunkSize = embedder?.ChunkSize ?? DefaultChunkSize;
        var generator = generators.GetOrAdd((provider, provider == ModelProviders.Offline ? null : name, dimensions), key => Create(key.Provider, key.Name, key.Dimensions));
        string description = provider == ModelProviders.Offline
            ? $"offline-lexical ({((OfflineEmbeddingGenerator)generator).Dimensions} dims{(name is null ? string.Empty : $", stand-in for {name}")})"
            : $"{provider}/{name}";
        return new ResolvedEmbedder(generator, description, chunkSize);
    }

    string ProviderOf(string? requested)
    {
        if (string.IsNullOrWhiteSpace(requested) || requested.Equals("openai", StringComparison.OrdinalIgnoreCase))
        {
            return options.Provider;
        }

        return ModelReference.TryParse(requested + "/x", out var reference, out _) && reference.Provider is { } provider
            ? provider
            : throw new ModelConfigurationException($"Embedder provider '{requested}' is not available; use offline, azure-openai, openai-compatible or openai (the configured default).");
    }

    IEmbeddingGenerator<string, Embedding<float>> Create(string provider, string? name, int? dimensions)
    {
        if (provider == ModelProviders.Offline)
        {
            return new OfflineEmbeddingGenerator(dimensions ?? OfflineEmbeddingGenerator.DefaultDimensions);
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ModelConfigurationException($"The {provider} embedder needs a model: set the crew's embedder config.model or DurableCrews:Embeddings:Name.");
        }

        var endpoint = options.Endpoint ?? model.Endpoint
            ?? throw new ModelConfigurationException($"The {provider} embedder needs DurableCrews:Embeddings:Endpoint (or DurableCrews:Model:Endpoint).");
        string? key = string.IsNullOrWhiteSpace(options.ApiKey) ? model.ApiKey : options.ApiKey;
        if (provider == ModelProviders.AzureOpenAI)
        {
            var client = string.IsNullOrWhiteSpace(key)
                ? new AzureOpenAIClient(endpoint, new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ManagedIdentityClientId ?? model.ManagedIdentityClientId }))
                : new AzureOpenAIClient(endpoint, new AzureKeyCredential(key));
            return client.GetEmbeddingClient(name).AsIEmbeddingGenerator(dimensions);
        }

        var compatible = new OpenAIClient(new ApiKeyCredential(string.IsNullOrWhiteSpace(key) ? "not-needed" : key), new OpenAIClientOptions { Endpoint = endpoint });
        return compatible.GetEmbeddingClient(name).AsIEmbeddingGenerator(dimensions);
    }
}
