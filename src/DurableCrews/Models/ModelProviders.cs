namespace DurableCrews.Models;

/// <summary>
/// The model provider names accepted in settings (<c>DurableCrews__Models__{name}__Provider</c>) and, with the aliases
/// LiteLLM and CrewAI use, as the prefix of an agent's <c>llm:</c> (<c>anthropic/claude-sonnet-4</c>).
/// </summary>
public static class ModelProviders
{
    /// <summary>The deterministic offline model; needs nothing.</summary>
    public const string Offline = "offline";

    /// <summary>Azure OpenAI through <c>Azure.AI.OpenAI</c>; the model name is the deployment.</summary>
    public const string AzureOpenAI = "azure-openai";

    /// <summary>OpenAI's own API (<c>https://api.openai.com/v1</c> unless an endpoint is set); needs a key.</summary>
    public const string OpenAI = "openai";

    /// <summary>Anthropic's Messages API through the official <c>Anthropic</c> SDK; needs a key.</summary>
    public const string Anthropic = "anthropic";

    /// <summary>Ollama's OpenAI-compatible route (<c>http://localhost:11434/v1</c> unless an endpoint is set).</summary>
    public const string Ollama = "ollama";

    /// <summary>Google Gemini through Google's OpenAI-compatible endpoint; needs a key.</summary>
    public const string Gemini = "gemini";

    /// <summary>Any endpoint that speaks the OpenAI chat completions API (LM Studio, vLLM); needs an endpoint.</summary>
    public const string OpenAICompatible = "openai-compatible";

    /// <summary>Every provider name, for validation messages.</summary>
    public static IReadOnlyList<string> All { get; } = [Offline, AzureOpenAI, OpenAI, Anthropic, Ollama, Gemini, OpenAICompatible];

    static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["offline"] = Offline,
        ["azure"] = AzureOpenAI,
        ["azure-openai"] = AzureOpenAI,
        ["azure_openai"] = AzureOpenAI,
        ["azure_ai"] = AzureOpenAI,
        ["openai"] = OpenAI,
        ["anthropic"] = Anthropic,
        ["claude"] = Anthropic,
        ["ollama"] = Ollama,
        ["ollama_chat"] = Ollama,
        ["gemini"] = Gemini,
        ["google"] = Gemini,
        ["openai-compatible"] = OpenAICompatible,
        ["openai_compatible"] = OpenAICompatible,
        ["lm_studio"] = OpenAICompatible,
        ["hosted_vllm"] = OpenAICompatible,
    };

    /// <summary>The provider a name or LiteLLM prefix stands for (<c>azure</c> → <c>azure-openai</c>), or null when it names none.</summary>
    public static string? Find(string? name) =>
        name is not null && Aliases.TryGetValue(name.Trim(), out string? provider) ? provider : null;
}
