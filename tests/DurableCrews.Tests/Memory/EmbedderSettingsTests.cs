using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace DurableCrews.Tests.Memory;

/// <summary>Embedders reached as chat models are: provider prefixes, named endpoints, CrewAI's keys, at the wire.</summary>
public sealed class EmbedderSettingsTests
{
    const string Reply = """
        {"object":"list","model":"m","data":[{"object":"embedding","index":0,"embedding":[0.5,0.25]}],"usage":{"prompt_tokens":2,"total_tokens":2}}
        """;

    static IEmbedderProvider Embedders(params (string Key, string? Value)[] settings) => ModelSettings.Services(settings).GetRequiredService<IEmbedderProvider>();

    [Fact]
    public async Task Ollama_embedder_calls_the_servers_v1_embeddings_route()
    {
        await using var stub = await HttpStub.StartAsync(_ => (200, Reply, null));
        var embedder = Embedders(("OLLAMA_API_BASE", stub.BaseAddress.ToString())).Resolve(new EmbedderDefinition { Provider = "ollama", Model = "nomic-embed-text" });

        var vector = await embedder.Generator.GenerateVectorAsync("schema");

        var request = Assert.Single(stub.Requests);
        Assert.Equal("/v1/embeddings", request.Path);
        Assert.Contains("\"model\":\"nomic-embed-text\"", request.Body, StringComparison.Ordinal);
        Assert.Equal([0.5f, 0.25f], vector.ToArray());
        Assert.Equal("ollama/nomic-embed-text", embedder.Description);
    }

    [Fact]
    public async Task A_named_endpoint_serves_as_embedder_provider()
    {
        await using var stub = await HttpStub.StartAsync(_ => (200, Reply, null));
        var embedder = Embedders(
            ("DurableCrews__Models__vectors__Provider", "azure"),
            ("DurableCrews__Models__vectors__Endpoint", stub.BaseAddress.ToString()),
            ("DurableCrews__Models__vectors__ApiKey", "vk"))
            .Resolve(new EmbedderDefinition { Provider = "vectors", Model = "emb-eu" });

        await embedder.Generator.GenerateVectorAsync("x");

        var request = Assert.Single(stub.Requests);
        Assert.Equal("/openai/deployments/emb-eu/embeddings", request.Path);
        Assert.Equal("vk", request.Headers["api-key"]);
    }

    [Fact]
    public async Task Openai_embedder_goes_to_openai_once_its_key_is_set()
    {
        await using var stub = await HttpStub.StartAsync(_ => (200, Reply, null));
        var embedder = Embedders(("OPENAI_API_KEY", "sk-e"), ("OPENAI_BASE_URL", new Uri(stub.BaseAddress, "v1").ToString()))
            .Resolve(new EmbedderDefinition { Provider = "openai", Model = "text-embedding-3-small" });

        await embedder.Generator.GenerateVectorAsync("x");

        var request = Assert.Single(stub.Requests);
        Assert.Equal(("/v1/embeddings", "Bearer sk-e"), (request.Path, request.Headers["Authorization"]));
    }

    [Fact]
    public void Unreachable_embedders_are_problems_that_name_the_setting()
    {
        var embedders = Embedders();

        Assert.Contains("DurableCrews__Models__azure-openai__Endpoint", embedders.Problem(new EmbedderDefinition { Provider = "azure", Model = "emb" }), StringComparison.Ordinal);
        Assert.Contains("Anthropic has no embeddings API", embedders.Problem(new EmbedderDefinition { Provider = "anthropic", Model = "x" }), StringComparison.Ordinal);
        Assert.Null(embedders.Problem(new EmbedderDefinition { Provider = "openai", Model = "text-embedding-3-small" }));
    }

    [Theory]
    [InlineData("api_key: sk-in-the-crew")]
    [InlineData("url: http://169.254.169.254/")]
    [InlineData("api_base: http://localhost:11434")]
    public void Keys_and_endpoints_in_a_crews_embedder_config_are_refused(string setting)
    {
        var loaded = CrewDefinitionLoader.Parse($$"""
            name: memo
            memory: true
            embedder:
              provider: ollama
              config:
                model: nomic-embed-text
                {{setting}}
            agents:
              a: { role: R, goal: G, backstory: B }
            tasks:
              t: { description: D, expected_output: E, agent: a }
            """, "memo");

        var problem = Assert.Single(loaded.Problems);
        Assert.StartsWith($"crew.embedder.config.{setting[..setting.IndexOf(':', StringComparison.Ordinal)]}", problem.ToString(), StringComparison.Ordinal);
        Assert.Contains("DurableCrews__Models__NAME__", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void CrewAIs_deployment_id_names_the_model()
    {
        var loaded = CrewDefinitionLoader.Parse("""
            name: memo
            embedder: { provider: azure, config: { deployment_id: emb-prod } }
            agents:
              a: { role: R, goal: G, backstory: B }
            tasks:
              t: { description: D, expected_output: E, agent: a }
            """, "memo");

        Assert.Equal("emb-prod", loaded.Definition!.Embedder!.Model);
    }
}
