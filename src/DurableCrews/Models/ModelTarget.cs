namespace DurableCrews.Models;

/// <summary>
/// A model reference resolved against the settings: the provider, the model, and where and how to reach it.
/// <see cref="Settings"/> names the settings it came from (for messages); the key never appears in <see cref="ToString"/>.
/// </summary>
/// <param name="Provider">One of <see cref="ModelProviders"/>.</param>
/// <param name="Model">The model id or Azure deployment; for the offline model, the model it stands in for, if any.</param>
/// <param name="Endpoint">The base URL; null for the offline model.</param>
/// <param name="Settings">Where the settings came from, such as <c>DurableCrews__Models__fast</c>.</param>
public sealed record ModelTarget(string Provider, string? Model, Uri? Endpoint, string Settings)
{
    /// <summary>The API key, when one is configured.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The Azure OpenAI <c>api-version</c>, when one is configured.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>The user-assigned managed identity for <c>DefaultAzureCredential</c>.</summary>
    public string? ManagedIdentityClientId { get; init; }

    /// <summary>The most tokens an answer may have, when configured.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>The model as runs record it: <c>provider/model</c>.</summary>
    public override string ToString() => Model is null ? Provider : $"{Provider}/{Model}";
}
