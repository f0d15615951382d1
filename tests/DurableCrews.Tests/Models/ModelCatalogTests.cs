using DurableCrews.Models;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Models;

/// <summary>Which model an <c>llm:</c> reaches: provider prefixes, named endpoints, CrewAI's environment variables, and the problems when it cannot.</summary>
public sealed class ModelCatalogTests
{
    static ModelTarget Find(string? llm, params (string Key, string? Value)[] settings)
    {
        Assert.True(ModelReference.TryParse(llm, out var reference, out string? error), error);
        return ModelSettings.Catalog(settings).Find(reference);
    }

    [Fact]
    public void Openai_prefix_goes_to_api_openai_com_with_the_key_from_OPENAI_API_KEY()
    {
        var target = Find("openai/gpt-4o-mini", ("OPENAI_API_KEY", "sk-env"));

        Assert.Equal(new ModelTarget(ModelProviders.OpenAI, "gpt-4o-mini", new Uri("https://api.openai.com/v1"), "DurableCrews__Models__openai") { ApiKey = "sk-env" }, target);
    }

    [Fact]
    public void DurableCrews_settings_win_over_CrewAI_environment_variables()
    {
        var target = Find("openai/gpt-4o", ("OPENAI_API_KEY", "sk-env"), ("DurableCrews__Models__openai__ApiKey", "sk-own"), ("DurableCrews__Models__openai__Endpoint", "https://proxy.example.com/v1"));

        Assert.Equal("sk-own", target.ApiKey);
        Assert.Equal(new Uri("https://proxy.example.com/v1"), target.Endpoint);
    }

    [Theory]
    [InlineData("anthropic/claude-sonnet-4-5", "anthropic", "https://api.anthropic.com/", "ANTHROPIC_API_KEY")]
    [InlineData("gemini/gemini-2.0-flash", "gemini", "https://generativelanguage.googleapis.com/v1beta/openai/", "GEMINI_API_KEY")]
    [InlineData("claude/claude-haiku-4-5", "anthropic", "https://api.anthropic.com/", "ANTHROPIC_API_KEY")]
    public void Each_provider_prefix_has_its_vendors_endpoint_and_key_variable(string llm, string provider, string endpoint, string keyVariable)
    {
        var target = Find(llm, (keyVariable, "secret"));

        Assert.Equal(provider, target.Provider);
        Assert.Equal(new Uri(endpoint), target.Endpoint);
        Assert.Equal("secret", target.ApiKey);
    }

    [Fact]
    public void Ollama_needs_nothing_and_defaults_to_the_local_server_or_OLLAMA_API_BASE()
    {
        Assert.Equal(new Uri("http://localhost:11434"), Find("ollama/llama3.1:8b").Endpoint);
        Assert.Equal(new Uri("http://gpu-box:11434"), Find("ollama/llama3.1", ("OLLAMA_API_BASE", "http://gpu-box:11434")).Endpoint);
    }

    [Fact]
    public void Azure_prefix_reads_AZURE_API_BASE_KEY_and_VERSION()
    {
        var target = Find("azure/gpt-4o-prod", ("AZURE_API_BASE", "https://res.openai.azure.com/"), ("AZURE_API_KEY", "az-key"), ("AZURE_API_VERSION", "2024-10-21"));

        Assert.Equal((ModelProviders.AzureOpenAI, "gpt-4o-prod", "az-key", "2024-10-21"), (target.Provider, target.Model, target.ApiKey, target.ApiVersion));
    }

    [Fact]
    public void A_named_endpoint_is_reached_by_its_name_with_its_own_model_or_the_agents()
    {
        (string, string?)[] settings =
        [
            ("DurableCrews__Models__fast__Provider", "azure"),
            ("DurableCrews__Models__fast__Endpoint", "https://fast.openai.azure.com/"),
            ("DurableCrews__Models__fast__Deployment", "gpt-4o-mini"),
            ("DurableCrews__Models__fast__ApiKey", "k1"),
        ];

        Assert.Equal("azure-openai/gpt-4o-mini", Find("fast", settings).ToString());
        Assert.Equal("gpt-4.1", Find("fast/gpt-4.1", settings).Model);
        Assert.Equal("DurableCrews__Models__fast", Find("fast/x", settings).Settings);
    }

    [Fact]
    public void MODEL_names_the_default_when_DurableCrews_sets_none()
    {
        var target = Find(null, ("MODEL", "anthropic/claude-sonnet-4-5"), ("ANTHROPIC_API_KEY", "a"));

        Assert.Equal("anthropic/claude-sonnet-4-5", target.ToString());
    }

    [Fact]
    public void Bare_names_stay_offline_stand_ins_by_default()
    {
        var target = Find("gpt-4");

        Assert.Equal((ModelProviders.Offline, "gpt-4"), (target.Provider, target.Model));
    }

    [Theory]
    [InlineData("openai/gpt-4o", "OPENAI_API_KEY", "DurableCrews__Models__openai__ApiKey")]
    [InlineData("anthropic/claude-sonnet-4-5", "ANTHROPIC_API_KEY", "DurableCrews__Models__anthropic__ApiKey")]
    [InlineData("gemini/gemini-2.0-flash", "GEMINI_API_KEY", "DurableCrews__Models__gemini__ApiKey")]
    [InlineData("azure/gpt-4o", "AZURE_API_BASE", "DurableCrews__Models__azure-openai__Endpoint")]
    [InlineData("openai-compatible/llama3", "DurableCrews__Models__openai-compatible__Endpoint", "DurableCrews__Models__openai-compatible__Endpoint")]
    public void An_unconfigured_provider_is_a_problem_naming_the_settings_to_add(string llm, string variable, string setting)
    {
        string? problem = ModelSettings.Catalog().Problem(llm);

        Assert.NotNull(problem);
        Assert.Contains(variable, problem, StringComparison.Ordinal);
        Assert.Contains(setting, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_prefix_is_a_problem_that_says_how_to_define_it()
    {
        string? problem = ModelSettings.Catalog(("DurableCrews__Models__fast__Provider", "ollama")).Problem("cohere/command-r");

        Assert.Contains("'cohere' is neither a model provider", problem, StringComparison.Ordinal);
        Assert.Contains("DurableCrews__Models__cohere__Provider", problem, StringComparison.Ordinal);
        Assert.Contains("defined: fast", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://models.example.com/")]
    [InlineData("not a url")]
    [InlineData("https://user:pass@models.example.com/")]
    [InlineData("https://models.example.com/?key=1")]
    public void A_bad_endpoint_url_is_a_problem_that_never_shows_it(string endpoint)
    {
        string? problem = ModelSettings.Catalog(("DurableCrews__Models__local__Provider", "openai-compatible"), ("DurableCrews__Models__local__Endpoint", endpoint)).Problem("local/m");

        Assert.Equal("DurableCrews__Models__local__Endpoint must be an absolute http or https URL with no credentials, query or fragment", problem);
    }

    [Fact]
    public void A_named_endpoint_names_its_own_settings_and_not_CrewAIs_variables_it_does_not_read()
    {
        string? problem = ModelSettings.Catalog(("DurableCrews__Models__writers__Provider", "anthropic")).Problem("writers/claude-haiku-4-5");

        Assert.Equal("the anthropic provider needs an API key: set DurableCrews__Models__writers__ApiKey", problem);
    }

    [Fact]
    public void A_default_model_without_a_name_asks_for_DurableCrews__Model__Name()
    {
        string? problem = ModelSettings.Catalog(("DurableCrews__Model__Provider", "openai"), ("DurableCrews__Model__ApiKey", "k")).Problem(null);

        Assert.Equal("the openai provider needs a model: name it in the llm ('openai/gpt-4o-mini') or set DurableCrews__Model__Name", problem);
    }

    [Fact]
    public void A_named_endpoint_without_a_provider_says_which_setting_is_missing()
    {
        string? problem = ModelSettings.Catalog(("DurableCrews__Models__fast__Endpoint", "https://x.example.com/")).Problem("fast/m");

        Assert.StartsWith("DurableCrews__Models__fast__Provider is required", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("azure/../../admin")]
    [InlineData("azure/gpt 4o")]
    [InlineData("azure/gpt-4o\nX-Injected: 1")]
    [InlineData("azure/%2e%2e")]
    [InlineData("../etc/passwd")]
    [InlineData("open ai/gpt-4o")]
    [InlineData("openai/")]
    public void Hostile_model_names_are_refused_when_read(string llm)
    {
        Assert.False(ModelReference.TryParse(llm, out _, out string? error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void A_model_name_longer_than_the_limit_is_refused()
    {
        Assert.False(ModelReference.TryParse("openai/" + new string('a', ModelReference.MaxNameLength + 1), out _, out _));
        Assert.True(ModelReference.TryParse("openai-compatible/meta-llama/Llama-3.1-8B-Instruct", out var reference, out _));
        Assert.Equal("meta-llama/Llama-3.1-8B-Instruct", reference.Name);
    }

    [Fact]
    public void Problems_name_settings_and_never_their_secret_values()
    {
        string? problem = ModelSettings.Catalog(("DurableCrews__Models__x__Provider", "azure"), ("DurableCrews__Models__x__ApiKey", "super-secret-key")).Problem("x/gpt-4o");

        Assert.Contains("DurableCrews__Models__x__Endpoint", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("super-secret-key", problem, StringComparison.Ordinal);
    }
}
