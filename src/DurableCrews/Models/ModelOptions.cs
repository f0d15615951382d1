namespace DurableCrews.Models;

/// <summary>
/// The default model, bound from the <c>DurableCrews:Model</c> configuration section
/// (environment variables <c>DurableCrews__Model__*</c>): what an agent without an <c>llm:</c>, or with a bare model
/// name, reaches. Named endpoints (<see cref="ModelEndpointsOptions"/>) and CrewAI's environment variables add more.
/// </summary>
public sealed record ModelOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "DurableCrews:Model";

    /// <summary>One of <see cref="ModelProviders"/> (or an alias such as <c>azure</c>); <c>offline</c> by default.</summary>
    public string Provider { get; init; } = ModelProviders.Offline;

    /// <summary>The Azure OpenAI resource endpoint, or the base URL of an OpenAI-compatible API (for example <c>http://localhost:11434/v1</c>).</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The Azure OpenAI deployment name, or the model id of an OpenAI-compatible endpoint.</summary>
    public string? Name { get; init; }

    /// <summary>The API key. When empty, Azure OpenAI is reached with <c>DefaultAzureCredential</c>.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The Azure OpenAI <c>api-version</c>; the SDK's when empty.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>The client id of a user-assigned managed identity for <c>DefaultAzureCredential</c>.</summary>
    public string? ManagedIdentityClientId { get; init; }

    /// <summary>
    /// Whether the offline model stands in for every model a crew names (<c>durablecrews run --offline</c>): nothing is
    /// sent anywhere, and model settings are not needed.
    /// </summary>
    public bool OfflineStandIn { get; init; }

    /// <summary>Simulated latency of the offline model per call, in milliseconds (demos, benchmarks, timeout tests).</summary>
    public int OfflineLatencyMs { get; init; }

    /// <summary>
    /// How long one call to Azure OpenAI or an OpenAI-compatible endpoint may take, in seconds (default 600, at most
    /// 3600). The OpenAI SDK's own limit, 100 s, would cut off long reasoning answers.
    /// </summary>
    public int TimeoutSeconds { get; init; } = 600;
}
