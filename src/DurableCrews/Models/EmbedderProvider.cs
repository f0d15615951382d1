using System.Collections.Concurrent;
using DurableCrews.Definitions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace DurableCrews.Models;

/// <summary>
/// Resolves a crew's embedder: the offline lexical embedder, or embeddings from Azure OpenAI, OpenAI, Ollama, Gemini or
/// an OpenAI-compatible endpoint, reached as chat models are (<see cref="ModelCatalog"/>: providers, named endpoints,
/// CrewAI's environment variables). A crew's <c>openai</c> (CrewAI's default) means OpenAI when OpenAI is configured and
/// the default embedder (<see cref="EmbeddingOptions"/>) otherwise. Generators are built once per target and size.
/// </summary>
public sealed class EmbedderProvider : IEmbedderProvider
{
    /// <summary>The chunk size when a crew's embedder gives none, in characters.</summary>
    public const int DefaultChunkSize = 1000;

    readonly EmbeddingOptions options;
    readonly ModelOptions model;
    readonly ModelCatalog catalog;
    readonly ConcurrentDictionary<(string Provider, string? Name, int? Dimensions), IEmbeddingGenerator<string, Embedding<float>>> generators = new();
    readonly ConcurrentDictionary<(ModelTarget Target, int? Dimensions), IEmbeddingGenerator<string, Embedding<float>>> targeted = new();

    /// <summary>Creates the provider from the embeddings settings and the model catalog.</summary>
    public EmbedderProvider(IOptions<EmbeddingOptions> options, IOptions<ModelOptions> model, ModelCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(catalog);
        this.options = options.Value;
        this.model = model.Value;
        this.catalog = catalog;
    }

    /// <summary>Creates the provider from the embeddings and default model settings alone.</summary>
    public EmbedderProvider(IOptions<EmbeddingOptions> options, IOptions<ModelOptions> model)
        : this(options, model, ModelCatalog.Of((model ?? throw new ArgumentNullException(nameof(model))).Value))
    {
    }

    /// <inheritdoc />
    public ResolvedEmbedder Resolve(EmbedderDefinition? embedder)
    {
        int chunkSize = embedder?.ChunkSize ?? DefaultChunkSize;
        int? dimensions = embedder?.Dimensions;
        if (UsesDefault(embedder?.Provider))
        {
            string provider = ModelProviders.Find(options.Provider) ?? options.Provider;
            string? name = embedder?.Model ?? options.Name;
            var generator = generators.GetOrAdd((provider, provider == ModelProviders.Offline ? null : name, dimensions), key => CreateDefault(key.Provider, key.Name, key.Dimensions));
            string description = provider == ModelProviders.Offline
                ? Offline(generator, name)
                : $"{provider}/{name}";
            return new ResolvedEmbedder(generator, description, chunkSize);
        }

        if (embedder!.Model is null && ModelProviders.Find(embedder.Provider) != ModelProviders.Offline)
        {
            throw new ModelConfigurationException($"The {embedder.Provider} embedder needs a model: set the crew's embedder config.model.");
        }

        if (!ModelReference.TryParse($"{embedder.Provider}/{embedder.Model ?? "lexical"}", out var reference, out string? error))
        {
            throw new ModelConfigurationException($"Embedder: {error}.");
        }

        var target = catalog.Find(reference);
        var targetedGenerator = targeted.GetOrAdd((target, dimensions), key => CreateFor(key.Target, key.Dimensions));
        return new ResolvedEmbedder(targetedGenerator, target.Provider == ModelProviders.Offline ? Offline(targetedGenerator, embedder.Model) : target.ToString(), chunkSize);
    }

    /// <inheritdoc />
    public string? Problem(EmbedderDefinition embedder)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        if (UsesDefault(embedder.Provider) || ModelProviders.Find(embedder.Provider) == ModelProviders.Offline)
        {
            return null;
        }

        if (ModelProviders.Find(embedder.Provider) == ModelProviders.Anthropic)
        {
            return "Anthropic has no embeddings API; use openai, azure, ollama, gemini, a model endpoint's name or offline";
        }

        return catalog.Problem($"{embedder.Provider}/{embedder.Model ?? "embeddings"}")
            ?? (embedder.Model is null ? $"the {embedder.Provider} embedder needs a model: set config.model" : null);
    }

    bool UsesDefault(string? requested)
    {
        if (string.IsNullOrWhiteSpace(requested))
        {
            return true;
        }

        string? provider = ModelProviders.Find(requested);
        return (provider == ModelProviders.OpenAI && !catalog.Defines(ModelProviders.OpenAI))
            || (provider is not null && provider == ModelProviders.Find(options.Provider) && !catalog.EndpointNames.Contains(requested, StringComparer.OrdinalIgnoreCase));
    }

    static string Offline(IEmbeddingGenerator<string, Embedding<float>> generator, string? standsInFor) =>
        $"offline-lexical ({((OfflineEmbeddingGenerator)generator).Dimensions} dims{(standsInFor is null ? string.Empty : $", stand-in for {standsInFor}")})";

    static IEmbeddingGenerator<string, Embedding<float>> CreateFor(ModelTarget target, int? dimensions) => target.Provider switch
    {
        ModelProviders.Offline => new OfflineEmbeddingGenerator(dimensions ?? OfflineEmbeddingGenerator.DefaultDimensions),
        ModelProviders.AzureOpenAI => ProviderClients.Azure(target).GetEmbeddingClient(target.Model).AsIEmbeddingGenerator(dimensions),
        ModelProviders.Anthropic => throw new ModelConfigurationException("Anthropic has no embeddings API; give the crew's embedder another provider (openai, azure, ollama, gemini, a named endpoint or offline)."),
        _ => ProviderClients.OpenAI(target).GetEmbeddingClient(target.Model).AsIEmbeddingGenerator(dimensions),
    };

    IEmbeddingGenerator<string, Embedding<float>> CreateDefault(string provider, string? name, int? dimensions)
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
        return CreateFor(new ModelTarget(provider, name, endpoint, EmbeddingOptions.SectionName)
        {
            ApiKey = string.IsNullOrWhiteSpace(key) ? null : key,
            ManagedIdentityClientId = options.ManagedIdentityClientId ?? model.ManagedIdentityClientId,
        }, dimensions);
    }
}
