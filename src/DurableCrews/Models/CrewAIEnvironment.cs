using Microsoft.Extensions.Configuration;

namespace DurableCrews.Models;

/// <summary>
/// The environment variables CrewAI and LiteLLM users already have, bound from the configuration root. Each is read
/// only where DurableCrews' own settings say nothing.
/// </summary>
public sealed record CrewAIEnvironment
{
    /// <summary><c>MODEL</c>: the default model when no agent or crew names one (<c>openai/gpt-4o-mini</c>).</summary>
    [ConfigurationKeyName("MODEL")]
    public string? Model { get; init; }

    /// <summary><c>OPENAI_API_KEY</c>.</summary>
    [ConfigurationKeyName("OPENAI_API_KEY")]
    public string? OpenAIApiKey { get; init; }

    /// <summary><c>OPENAI_API_BASE</c> (LiteLLM) or <c>OPENAI_BASE_URL</c> (the OpenAI SDKs).</summary>
    [ConfigurationKeyName("OPENAI_API_BASE")]
    public string? OpenAIApiBase { get; init; }

    /// <summary><c>OPENAI_BASE_URL</c>.</summary>
    [ConfigurationKeyName("OPENAI_BASE_URL")]
    public string? OpenAIBaseUrl { get; init; }

    /// <summary><c>ANTHROPIC_API_KEY</c>.</summary>
    [ConfigurationKeyName("ANTHROPIC_API_KEY")]
    public string? AnthropicApiKey { get; init; }

    /// <summary><c>ANTHROPIC_BASE_URL</c>.</summary>
    [ConfigurationKeyName("ANTHROPIC_BASE_URL")]
    public string? AnthropicBaseUrl { get; init; }

    /// <summary><c>AZURE_API_KEY</c>.</summary>
    [ConfigurationKeyName("AZURE_API_KEY")]
    public string? AzureApiKey { get; init; }

    /// <summary><c>AZURE_API_BASE</c>: the Azure OpenAI resource endpoint.</summary>
    [ConfigurationKeyName("AZURE_API_BASE")]
    public string? AzureApiBase { get; init; }

    /// <summary><c>AZURE_API_VERSION</c>.</summary>
    [ConfigurationKeyName("AZURE_API_VERSION")]
    public string? AzureApiVersion { get; init; }

    /// <summary><c>OLLAMA_API_BASE</c> (LiteLLM) or <c>OLLAMA_HOST</c> (Ollama's own).</summary>
    [ConfigurationKeyName("OLLAMA_API_BASE")]
    public string? OllamaApiBase { get; init; }

    /// <summary><c>GEMINI_API_KEY</c>.</summary>
    [ConfigurationKeyName("GEMINI_API_KEY")]
    public string? GeminiApiKey { get; init; }

    /// <summary><c>GOOGLE_API_KEY</c>, read when <c>GEMINI_API_KEY</c> is absent.</summary>
    [ConfigurationKeyName("GOOGLE_API_KEY")]
    public string? GoogleApiKey { get; init; }

    /// <summary>The settings this environment gives a built-in provider, or null when it gives none.</summary>
    public ModelEndpoint? For(string provider) => provider switch
    {
        ModelProviders.OpenAI => Some(new ModelEndpoint { ApiKey = OpenAIApiKey, Endpoint = OpenAIApiBase ?? OpenAIBaseUrl }),
        ModelProviders.Anthropic => Some(new ModelEndpoint { ApiKey = AnthropicApiKey, Endpoint = AnthropicBaseUrl }),
        ModelProviders.AzureOpenAI => Some(new ModelEndpoint { ApiKey = AzureApiKey, Endpoint = AzureApiBase, ApiVersion = AzureApiVersion }),
        ModelProviders.Ollama => Some(new ModelEndpoint { Endpoint = OllamaApiBase }),
        ModelProviders.Gemini => Some(new ModelEndpoint { ApiKey = GeminiApiKey ?? GoogleApiKey }),
        _ => null,
    };

    static ModelEndpoint? Some(ModelEndpoint endpoint) =>
        endpoint.ApiKey is null && endpoint.Endpoint is null && endpoint.ApiVersion is null ? null : endpoint;
}
