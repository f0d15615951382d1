namespace DurableCrews.Models;

/// <summary>
/// An agent's <c>llm:</c> value read as a provider and a model name. <c>azure/gpt-4o</c> names an Azure OpenAI
/// deployment, <c>openai-compatible/llama3</c> (or <c>ollama/llama3</c>) a model on the configured compatible
/// endpoint, <c>offline</c> the offline model; a bare name (<c>gpt-4</c>) or <c>openai/gpt-4</c> asks the
/// configured default provider for that model.
/// </summary>
/// <param name="Provider">The provider, or null for the configured default.</param>
/// <param name="Name">The model or deployment name, or null for the configured one.</param>
public sealed record ModelReference(string? Provider, string? Name)
{
    static readonly Dictionary<string, string?> Prefixes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["offline"] = ModelProviders.Offline,
        ["azure"] = ModelProviders.AzureOpenAI,
        ["azure-openai"] = ModelProviders.AzureOpenAI,
        ["azure_openai"] = ModelProviders.AzureOpenAI,
        ["openai-compatible"] = ModelProviders.OpenAICompatible,
        ["ollama"] = ModelProviders.OpenAICompatible,
        ["lm_studio"] = ModelProviders.OpenAICompatible,
        ["hosted_vllm"] = ModelProviders.OpenAICompatible,
        ["openai"] = null,
    };

    /// <summary>The configured default model.</summary>
    public static ModelReference Default { get; } = new(null, null);

    /// <summary>Reads an <c>llm:</c> value; returns false with a message when its provider is unknown.</summary>
    public static bool TryParse(string? llm, out ModelReference reference, out string? error)
    {
        error = null;
        reference = Default;
        if (string.IsNullOrWhiteSpace(llm))
        {
            return true;
        }

        string text = llm.Trim();
        if (Prefixes.TryGetValue(text, out string? bareProvider) && bareProvider == ModelProviders.Offline)
        {
            reference = new ModelReference(ModelProviders.Offline, null);
            return true;
        }

        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            reference = new ModelReference(null, text);
            return true;
        }

        string prefix = text[..slash];
        string name = text[(slash + 1)..].Trim();
        if (!Prefixes.TryGetValue(prefix, out string? provider))
        {
            error = $"provider '{prefix}' is not available; write azure/DEPLOYMENT, openai-compatible/MODEL, ollama/MODEL, offline, or a bare model name for the configured provider";
            return false;
        }

        if (name.Length == 0)
        {
            error = $"'{text}' names no model after the '/'";
            return false;
        }

        reference = new ModelReference(provider, name);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => (Provider, Name) switch
    {
        (null, null) => "default",
        (null, { } name) => name,
        ({ } provider, null) => provider,
        ({ } provider, { } name) => $"{provider}/{name}",
    };
}
