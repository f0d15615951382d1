using System.Text.Json;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace DurableCrews.Tests.Memory;

/// <summary>The Azure OpenAI embeddings call, checked at the wire against a local stub.</summary>
public sealed class EmbeddingsWireTests
{
    const string Reply = """
        {"object":"list","model":"text-embedding-3-small",
         "data":[{"object":"embedding","index":0,"embedding":[0.5,0.25,0.125]}],
         "usage":{"prompt_tokens":4,"total_tokens":4}}
        """;

    static EmbedderProvider Provider(Uri endpoint, string provider = ModelProviders.AzureOpenAI) => new(
        Options.Create(new EmbeddingOptions { Provider = provider, Endpoint = endpoint, ApiKey = "embed-key" }),
        Options.Create(new ModelOptions()));

    [Fact]
    public async Task Azure_embeddings_call_names_the_deployment_version_key_and_dimensions()
    {
        await using var stub = await HttpStub.StartAsync(_ => (200, Reply, null));
        var embedder = Provider(stub.BaseAddress).Resolve(new EmbedderDefinition { Provider = "azure-openai", Model = "emb-small", Dimensions = 3 });

        var vector = await embedder.Generator.GenerateVectorAsync("schema registry");

        var request = Assert.Single(stub.Requests);
        Assert.Equal("/openai/deployments/emb-small/embeddings", request.Path);
        Assert.Matches(@"api-version=\d{4}-\d{2}-\d{2}", request.Query);
        Assert.Equal("embed-key", request.Headers["api-key"]);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("schema registry", body.RootElement.GetProperty("input")[0].GetString());
        Assert.Equal(3, body.RootElement.GetProperty("dimensions").GetInt32());
        Assert.Equal([0.5f, 0.25f, 0.125f], vector.ToArray());
    }

    [Fact]
    public async Task Openai_in_the_embedder_block_means_the_configured_provider()
    {
        await using var stub = await HttpStub.StartAsync(_ => (200, Reply, null));
        var embedder = Provider(stub.BaseAddress).Resolve(new EmbedderDefinition { Provider = "openai", Model = "text-embedding-3-small" });

        await embedder.Generator.GenerateVectorAsync("x");

        Assert.Equal("/openai/deployments/text-embedding-3-small/embeddings", Assert.Single(stub.Requests).Path);
        Assert.Equal("azure-openai/text-embedding-3-small", embedder.Description);
    }

    [Fact]
    public void Offline_embedder_says_it_is_lexical_and_needs_nothing()
    {
        var embedder = new EmbedderProvider(Options.Create(new EmbeddingOptions()), Options.Create(new ModelOptions()))
            .Resolve(new EmbedderDefinition { Provider = "openai", Model = "text-embedding-3-large", Dimensions = 1536, ChunkSize = 2000 });

        Assert.StartsWith("offline-lexical (1536 dims", embedder.Description, StringComparison.Ordinal);
        Assert.Equal(2000, embedder.ChunkSize);
    }

    [Fact]
    public void Unknown_embedder_provider_is_a_configuration_error()
    {
        var provider = new EmbedderProvider(Options.Create(new EmbeddingOptions()), Options.Create(new ModelOptions()));

        var error = Assert.Throws<ModelConfigurationException>(() => provider.Resolve(new EmbedderDefinition { Provider = "cohere" }));

        Assert.Contains("cohere", error.Message, StringComparison.Ordinal);
    }
}
