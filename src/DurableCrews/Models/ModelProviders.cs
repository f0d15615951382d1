namespace DurableCrews.Models;

/// <summary>The model provider names accepted in settings and in an agent's <c>llm:</c> prefix.</summary>
public static class ModelProviders
{
    /// <summary>The deterministic offline model; needs nothing.</summary>
    public const string Offline = "offline";

    /// <summary>Azure OpenAI through <c>Azure.AI.OpenAI</c>.</summary>
    public const string AzureOpenAI = "azure-openai";

    /// <summary>Any endpoint that speaks the OpenAI chat completions API (Ollama, LM Studio, vLLM).</summary>
    public const string OpenAICompatible = "openai-compatible";

    /// <summary>Every provider name, for validation messages.</summary>
    public static IReadOnlyList<string> All { get; } = [Offline, AzureOpenAI, OpenAICompatible];
}
