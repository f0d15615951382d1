using System.ClientModel;
using System.ClientModel.Primitives;
using Azure;
using Azure.AI.OpenAI;
using Azure.Identity;
using OpenAI;

namespace DurableCrews.Models;

/// <summary>
/// The vendor SDK clients behind a <see cref="ModelTarget"/>, for chat and embeddings alike. They never retry: throttling
/// and server errors are retried by the orchestration on durable timers.
/// </summary>
internal static class ProviderClients
{
    /// <summary>An Azure OpenAI client: the key when configured, else <c>DefaultAzureCredential</c>; the configured <c>api-version</c>.</summary>
    /// <param name="target">The endpoint and model.</param>
    /// <param name="networkTimeout">How long one call may take; the SDK's 100 s when null.</param>
    public static AzureOpenAIClient Azure(ModelTarget target, TimeSpan? networkTimeout = null)
    {
        var options = new AzureOpenAIClientOptions { RetryPolicy = new ClientRetryPolicy(maxRetries: 0) };
        if (networkTimeout is { } timeout)
        {
            options.NetworkTimeout = timeout;
        }

        if (target.ApiVersion is { } version)
        {
            options.AddPolicy(new ApiVersionPolicy(version), PipelinePosition.PerCall);
        }

        return target.ApiKey is { } key
            ? new AzureOpenAIClient(target.Endpoint, new AzureKeyCredential(key), options)
            : new AzureOpenAIClient(target.Endpoint, new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = target.ManagedIdentityClientId }), options);
    }

    /// <summary>An OpenAI client for OpenAI, Ollama (under <c>/v1</c>), Gemini's compatible route or any compatible endpoint.</summary>
    /// <param name="target">The endpoint and model.</param>
    /// <param name="networkTimeout">How long one call may take; the SDK's 100 s when null.</param>
    public static OpenAIClient OpenAI(ModelTarget target, TimeSpan? networkTimeout = null)
    {
        var endpoint = target.Provider == ModelProviders.Ollama ? OllamaOpenAIRoute(target.Endpoint!) : target.Endpoint;

        // Local servers (Ollama, LM Studio, vLLM) accept any key; the OpenAI client insists on one.
        var credential = new ApiKeyCredential(target.ApiKey ?? "not-needed");
        var options = new OpenAIClientOptions { Endpoint = endpoint, RetryPolicy = new ClientRetryPolicy(maxRetries: 0) };
        if (networkTimeout is { } timeout)
        {
            options.NetworkTimeout = timeout;
        }

        return new OpenAIClient(credential, options);
    }

    /// <summary>Ollama's OpenAI-compatible API lives under <c>/v1</c> of the server's address, which is what users configure.</summary>
    static Uri OllamaOpenAIRoute(Uri server)
    {
        string path = server.AbsolutePath.TrimEnd('/');
        return path.EndsWith("/v1", StringComparison.Ordinal) ? server : new Uri(server, path + "/v1");
    }
}
