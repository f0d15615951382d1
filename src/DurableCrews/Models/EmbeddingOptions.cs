using DurableCrews.Configuration;

namespace DurableCrews.Models;

/// <summary>
/// Where embeddings for crew memory come from, bound from <c>DurableCrews:Embeddings</c>
/// (environment variables <c>DurableCrews__Embeddings__*</c>). A crew's <c>embedder</c> block picks the
/// provider and model; these settings say where that provider is. Empty endpoint and key fall back to the
/// chat model's (<see cref="ModelOptions"/>).
/// </summary>
public sealed record EmbeddingOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "DurableCrews:Embeddings";

    /// <summary>The provider for crews whose embedder says <c>openai</c> or gives none: <c>offline</c> (default), <c>azure-openai</c> or <c>openai-compatible</c>.</summary>
    public string Provider { get; init; } = ModelProviders.Offline;

    /// <summary>The Azure OpenAI endpoint or OpenAI-compatible base URL for embeddings.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The embeddings deployment (Azure OpenAI) or model id used when a crew's embedder names none.</summary>
    public string? Name { get; init; }

    /// <summary>The API key; empty means <c>DefaultAzureCredential</c> for Azure OpenAI.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The client id of a user-assigned managed identity for <c>DefaultAzureCredential</c>.</summary>
    public string? ManagedIdentityClientId { get; init; }

    /// <summary>The rules these settings must keep, checked when the host starts (by <see cref="OptionsValidator{TOptions}"/>).</summary>
    public static void Check(EmbeddingOptions options, OptionsProblems problems)
    {
        problems
            .Unless(ModelProviders.Find(options.Provider) is not null, nameof(Provider), $"must be one of {string.Join(", ", ModelProviders.All)}, not '{options.Provider}'")
            .AbsoluteUrl(nameof(Endpoint), options.Endpoint);
    }
}
