using System.Collections.Concurrent;
using Anthropic;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace DurableCrews.Models;

/// <summary>
/// Turns model references into chat clients through <see cref="ModelCatalog"/>: Azure OpenAI (API key or
/// <c>DefaultAzureCredential</c>), OpenAI, Anthropic (its official SDK), Ollama, Gemini and any OpenAI-compatible endpoint
/// (the OpenAI SDK), or the offline model. No client retries: throttling and server errors are retried by the
/// orchestration on durable timers. Clients are built once per target and shared.
/// </summary>
public sealed class ChatClientProvider : IChatClientProvider
{
    /// <summary>The answer length asked of Anthropic models when the settings give none (the Messages API requires one).</summary>
    public const int DefaultAnthropicMaxTokens = 4096;

    readonly ModelCatalog catalog;
    readonly ModelOptions defaults;
    readonly TimeProvider time;
    readonly ConcurrentDictionary<ModelTarget, ResolvedModel> clients = new();

    /// <summary>Creates the provider over the model catalog; the offline model's latency comes from <paramref name="defaults"/>.</summary>
    public ChatClientProvider(ModelCatalog catalog, IOptions<ModelOptions> defaults, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(defaults);
        this.catalog = catalog;
        this.defaults = defaults.Value;
        this.time = time;
    }

    /// <summary>A provider of the default model alone (<see cref="ModelCatalog.Of"/>).</summary>
    public static ChatClientProvider Of(ModelOptions defaults, TimeProvider time) => new(ModelCatalog.Of(defaults), Options.Create(defaults), time);

    /// <inheritdoc />
    public ResolvedModel Resolve(ModelReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return clients.GetOrAdd(catalog.Find(reference), Create);
    }

    ResolvedModel Create(ModelTarget target) => target.Provider switch
    {
        ModelProviders.Offline => new ResolvedModel(
            new OfflineChatClient(TimeSpan.FromMilliseconds(defaults.OfflineLatencyMs), time),
            target.Model is null || ModelProviders.Find(defaults.Provider) == ModelProviders.Offline && target.Model == defaults.Name ? "offline" : $"offline (stand-in for {target.Model})"),
        ModelProviders.AzureOpenAI => new ResolvedModel(ProviderClients.Azure(target, ModelCallTimeout).GetChatClient(target.Model).AsIChatClient(), target.ToString(), TakesJsonSchema: true),
        ModelProviders.Anthropic => new ResolvedModel(CreateAnthropic(target), target.ToString()),
        _ => new ResolvedModel(ProviderClients.OpenAI(target, ModelCallTimeout).GetChatClient(target.Model).AsIChatClient(), target.ToString(), TakesJsonSchema: true),
    };

    /// <summary>How long one model call may take (<c>DurableCrews:Model:TimeoutSeconds</c>), beyond the SDKs' own 100 s.</summary>
    TimeSpan ModelCallTimeout => TimeSpan.FromSeconds(defaults.TimeoutSeconds);

    IChatClient CreateAnthropic(ModelTarget target)
    {
        var http = new HttpClient(new ModelResponseStatusHandler(time) { InnerHandler = new SocketsHttpHandler() }) { Timeout = ModelCallTimeout };
        var client = new AnthropicClient(new Anthropic.Core.ClientOptions
        {
            ApiKey = target.ApiKey,
            BaseUrl = target.Endpoint!.AbsoluteUri.TrimEnd('/'),
            MaxRetries = 0,
            HttpClient = http,
        });
        return client.AsIChatClient(target.Model!, target.MaxTokens ?? DefaultAnthropicMaxTokens);
    }
}
