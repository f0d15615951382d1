namespace DurableCrews.Models;

/// <summary>
/// One named model endpoint, bound from <c>DurableCrews:Models:{name}</c> (environment variables
/// <c>DurableCrews__Models__{name}__Provider</c>, <c>__Endpoint</c>, <c>__ApiKey</c>, …). An agent names it in its
/// <c>llm:</c> as <c>{name}/MODEL</c>, or as <c>{name}</c> alone for its <see cref="Model"/>.
/// </summary>
public sealed record ModelEndpoint
{
    /// <summary>The provider (<see cref="ModelProviders"/>, or an alias such as <c>azure</c>); defaults to the endpoint's name when that is a provider.</summary>
    public string? Provider { get; init; }

    /// <summary>The base URL; each provider has a default except <c>azure-openai</c> and <c>openai-compatible</c>.</summary>
    public string? Endpoint { get; init; }

    /// <summary>The model id (or Azure deployment) used when the agent's <c>llm:</c> gives none.</summary>
    public string? Model { get; init; }

    /// <summary>The Azure OpenAI deployment, a synonym of <see cref="Model"/> for that provider.</summary>
    public string? Deployment { get; init; }

    /// <summary>The API key. Empty means <c>DefaultAzureCredential</c> for Azure OpenAI, and none for Ollama and compatible servers.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The Azure OpenAI <c>api-version</c>; the SDK's when empty.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>The client id of a user-assigned managed identity for <c>DefaultAzureCredential</c>.</summary>
    public string? ManagedIdentityClientId { get; init; }

    /// <summary>The most tokens an answer may have, for providers that require the limit (Anthropic).</summary>
    public int? MaxTokens { get; init; }
}
