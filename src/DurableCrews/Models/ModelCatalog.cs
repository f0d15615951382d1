using Microsoft.Extensions.Options;

namespace DurableCrews.Models;

/// <summary>
/// Decides which model an agent's <c>llm:</c> reaches, from DurableCrews' settings (the default model, named endpoints)
/// and, where those say nothing, CrewAI's environment variables. A reference that cannot be reached gives a message
/// naming the setting to add, and never a secret.
/// </summary>
public sealed class ModelCatalog
{
    /// <summary>OpenAI's API.</summary>
    public static readonly Uri OpenAIEndpoint = new("https://api.openai.com/v1");

    /// <summary>Anthropic's API.</summary>
    public static readonly Uri AnthropicEndpoint = new("https://api.anthropic.com");

    /// <summary>A local Ollama server.</summary>
    public static readonly Uri OllamaEndpoint = new("http://localhost:11434");

    /// <summary>Google's OpenAI-compatible route to Gemini.</summary>
    public static readonly Uri GeminiEndpoint = new("https://generativelanguage.googleapis.com/v1beta/openai/");

    const string DefaultSettings = "DurableCrews__Model";

    readonly ModelOptions defaults;
    readonly IReadOnlyDictionary<string, ModelEndpoint> named;
    readonly CrewAIEnvironment environment;

    /// <summary>Creates the catalog from the settings.</summary>
    public ModelCatalog(IOptions<ModelOptions> defaults, IOptions<ModelEndpointsOptions> named, IOptions<CrewAIEnvironment> environment)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(named);
        ArgumentNullException.ThrowIfNull(environment);
        this.defaults = defaults.Value;
        this.named = new Dictionary<string, ModelEndpoint>(named.Value.Models, StringComparer.OrdinalIgnoreCase);
        this.environment = environment.Value;
    }

    /// <summary>A catalog of the default model alone, with no named endpoints and no environment.</summary>
    public static ModelCatalog Of(ModelOptions defaults) =>
        new(Options.Create(defaults), Options.Create(new ModelEndpointsOptions()), Options.Create(new CrewAIEnvironment()));

    /// <summary>The names of the endpoints defined in the settings.</summary>
    public IEnumerable<string> EndpointNames => named.Keys;

    /// <summary>Whether the settings or CrewAI's environment variables say anything about <paramref name="source"/> (a provider or endpoint name).</summary>
    public bool Defines(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        string? provider = ModelProviders.Find(source);
        return named.ContainsKey(source)
            || (provider is not null && (named.ContainsKey(provider) || environment.For(provider) is not null || ModelProviders.Find(defaults.Provider) == provider));
    }

    /// <summary>Where <paramref name="reference"/> goes.</summary>
    /// <exception cref="ModelConfigurationException">It names an unknown source, or one whose settings are missing or wrong.</exception>
    public ModelTarget Find(ModelReference reference) =>
        TryFind(reference, out var target, out string? problem) ? target : throw new ModelConfigurationException(problem);

    /// <summary>Why <paramref name="llm"/> cannot be reached with these settings, or null when it can.</summary>
    public string? Problem(string? llm)
    {
        if (!ModelReference.TryParse(llm, out var reference, out string? error))
        {
            return error;
        }

        return TryFind(reference, out _, out string? problem) ? null : problem;
    }

    bool TryFind(ModelReference reference, out ModelTarget target, out string problem)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (defaults.OfflineStandIn)
        {
            target = new ModelTarget(ModelProviders.Offline, reference.Name is null ? reference.Source : reference.Source is null ? reference.Name : $"{reference.Source}/{reference.Name}", null, DefaultSettings);
            problem = string.Empty;
            return true;
        }

        if (reference.Source is null)
        {
            return reference.Name is { } alone && named.TryGetValue(alone, out var byName)
                ? TryFindNamed(alone, byName, null, out target, out problem)
                : TryFindDefault(reference.Name, out target, out problem);
        }

        if (named.TryGetValue(reference.Source, out var endpoint))
        {
            return TryFindNamed(reference.Source, endpoint, reference.Name, out target, out problem);
        }

        string? provider = ModelProviders.Find(reference.Source);
        if (provider is null)
        {
            target = null!;
            problem = $"'{reference.Source}' is neither a model provider ({string.Join(", ", ModelProviders.All)}) nor a model endpoint defined in the settings; "
                + $"define it with DurableCrews__Models__{reference.Source}__Provider and __Endpoint (and __ApiKey)"
                + (named.Count > 0 ? $"; defined: {string.Join(", ", named.Keys.Order(StringComparer.Ordinal))}" : string.Empty);
            return false;
        }

        if (provider == ModelProviders.Offline)
        {
            target = new ModelTarget(provider, reference.Name, null, DefaultSettings);
            problem = string.Empty;
            return true;
        }

        if (named.TryGetValue(provider, out endpoint))
        {
            return TryFindNamed(provider, endpoint, reference.Name, out target, out problem);
        }

        if (ModelProviders.Find(defaults.Provider) == provider)
        {
            return TryFindDefault(reference.Name, out target, out problem);
        }

        return TryBuild(provider, WithEnvironment(provider, new ModelEndpoint()), reference.Name, $"DurableCrews__Models__{provider}", readsEnvironment: true, out target, out problem);
    }

    bool TryFindDefault(string? name, out ModelTarget target, out string problem)
    {
        string? provider = ModelProviders.Find(defaults.Provider);
        if (provider is null)
        {
            target = null!;
            problem = $"{DefaultSettings}__Provider '{defaults.Provider}' is not a model provider; use one of {string.Join(", ", ModelProviders.All)}";
            return false;
        }

        if (provider == ModelProviders.Offline && defaults.Name is null && environment.Model is { Length: > 0 } model)
        {
            // CrewAI's MODEL names the default when DurableCrews' own default is left as it ships.
            if (!ModelReference.TryParse(model, out var fromEnvironment, out string? error))
            {
                target = null!;
                problem = $"the MODEL environment variable: {error}";
                return false;
            }

            if (fromEnvironment.Source != ModelProviders.Offline)
            {
                return TryFind(new ModelReference(fromEnvironment.Source ?? ModelProviders.OpenAI, name ?? fromEnvironment.Name), out target, out problem);
            }
        }

        if (provider == ModelProviders.Offline)
        {
            target = new ModelTarget(provider, name ?? defaults.Name, null, DefaultSettings);
            problem = string.Empty;
            return true;
        }

        var settings = new ModelEndpoint
        {
            Endpoint = defaults.Endpoint?.OriginalString,
            Model = defaults.Name,
            ApiKey = defaults.ApiKey,
            ApiVersion = defaults.ApiVersion,
            ManagedIdentityClientId = defaults.ManagedIdentityClientId,
        };
        return TryBuild(provider, WithEnvironment(provider, settings), name, DefaultSettings, readsEnvironment: true, out target, out problem);
    }

    bool TryFindNamed(string endpointName, ModelEndpoint endpoint, string? name, out ModelTarget target, out string problem)
    {
        string settings = $"DurableCrews__Models__{endpointName}";
        string? provider = ModelProviders.Find(endpoint.Provider ?? endpointName);
        if (provider is null)
        {
            target = null!;
            problem = endpoint.Provider is null
                ? $"{settings}__Provider is required (one of {string.Join(", ", ModelProviders.All)})"
                : $"{settings}__Provider '{endpoint.Provider}' is not a model provider; use one of {string.Join(", ", ModelProviders.All)}";
            return false;
        }

        if (provider == ModelProviders.Offline)
        {
            target = new ModelTarget(provider, name ?? endpoint.Model, null, settings);
            problem = string.Empty;
            return true;
        }

        // An endpoint named after its provider (DurableCrews__Models__openai__…) still takes what it leaves out from CrewAI's variables.
        bool namedAfterProvider = ModelProviders.Find(endpointName) == provider;
        return TryBuild(provider, namedAfterProvider ? WithEnvironment(provider, endpoint) : endpoint, name, settings, namedAfterProvider, out target, out problem);
    }

    ModelEndpoint WithEnvironment(string provider, ModelEndpoint settings) => environment.For(provider) is { } fromEnvironment
        ? settings with
        {
            Endpoint = Empty(settings.Endpoint) ? fromEnvironment.Endpoint : settings.Endpoint,
            ApiKey = Empty(settings.ApiKey) ? fromEnvironment.ApiKey : settings.ApiKey,
            ApiVersion = Empty(settings.ApiVersion) ? fromEnvironment.ApiVersion : settings.ApiVersion,
        }
        : settings;

    static bool TryBuild(string provider, ModelEndpoint settings, string? name, string origin, bool readsEnvironment, out ModelTarget target, out string problem)
    {
        target = null!;
        string? model = name ?? NonEmpty(settings.Model) ?? NonEmpty(settings.Deployment);
        if (model is null)
        {
            string setting = origin == DefaultSettings ? "Name" : provider == ModelProviders.AzureOpenAI ? "Deployment" : "Model";
            problem = $"the {provider} provider needs a model: name it in the llm ('{Example(provider)}') or set {origin}__{setting}";
            return false;
        }

        if (!ModelReference.TryParse($"x/{model}", out _, out string? badName))
        {
            problem = $"{origin}: {badName}";
            return false;
        }

        Uri? endpoint = DefaultEndpoint(provider);
        if (!Empty(settings.Endpoint))
        {
            if (!Uri.TryCreate(settings.Endpoint, UriKind.Absolute, out endpoint)
                || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)
                || endpoint.UserInfo.Length > 0 || endpoint.Query.Length > 0 || endpoint.Fragment.Length > 0)
            {
                problem = $"{origin}__Endpoint must be an absolute http or https URL with no credentials, query or fragment";
                return false;
            }
        }

        if (endpoint is null)
        {
            problem = $"the {provider} provider needs an endpoint: set {origin}__Endpoint{VariableHint(readsEnvironment && provider == ModelProviders.AzureOpenAI ? "AZURE_API_BASE" : null)}";
            return false;
        }

        if (Empty(settings.ApiKey) && provider is ModelProviders.OpenAI or ModelProviders.Anthropic or ModelProviders.Gemini)
        {
            string variable = provider switch { ModelProviders.OpenAI => "OPENAI_API_KEY", ModelProviders.Anthropic => "ANTHROPIC_API_KEY", _ => "GEMINI_API_KEY" };
            problem = $"the {provider} provider needs an API key: set {origin}__ApiKey{VariableHint(readsEnvironment ? variable : null)}";
            return false;
        }

        if (settings.MaxTokens is <= 0)
        {
            problem = $"{origin}__MaxTokens must be positive";
            return false;
        }

        target = new ModelTarget(provider, model, endpoint, origin)
        {
            ApiKey = NonEmpty(settings.ApiKey),
            ApiVersion = NonEmpty(settings.ApiVersion),
            ManagedIdentityClientId = NonEmpty(settings.ManagedIdentityClientId),
            MaxTokens = settings.MaxTokens,
        };
        problem = string.Empty;
        return true;
    }

    static Uri? DefaultEndpoint(string provider) => provider switch
    {
        ModelProviders.OpenAI => OpenAIEndpoint,
        ModelProviders.Anthropic => AnthropicEndpoint,
        ModelProviders.Ollama => OllamaEndpoint,
        ModelProviders.Gemini => GeminiEndpoint,
        _ => null,
    };

    static string VariableHint(string? variable) => variable is null ? string.Empty : $" (or the {variable} environment variable)";

    static string Example(string provider) => provider switch
    {
        ModelProviders.AzureOpenAI => "azure/my-deployment",
        ModelProviders.Anthropic => "anthropic/claude-sonnet-4-5",
        ModelProviders.Ollama => "ollama/llama3.1",
        ModelProviders.Gemini => "gemini/gemini-2.0-flash",
        _ => $"{provider}/gpt-4o-mini",
    };

    static bool Empty(string? value) => string.IsNullOrWhiteSpace(value);

    static string? NonEmpty(string? value) => Empty(value) ? null : value;
}
