using DurableCrews.Api;
using DurableCrews.Configuration;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Notifications;
using DurableCrews.Orchestration;
using DurableCrews.Reports;
using DurableCrews.Storage;
using DurableCrews.Tools;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DurableCrews.Tests.Configuration;

/// <summary>Each options type is checked when the host starts, and a bad value is named by its setting.</summary>
public sealed class OptionsValidationTests
{
    [Fact]
    public void Default_settings_pass_every_check()
    {
        using var services = Services(new Dictionary<string, string?>());

        Assert.Equal(1024, services.GetRequiredService<IOptions<MemoryOptions>>().Value.CacheMegabytes);
        Assert.Equal(10, services.GetRequiredService<IOptions<WebhookOptions>>().Value.TimeoutSeconds);
        Assert.Equal(60, services.GetRequiredService<IOptions<ToolOptions>>().Value.TimeoutSeconds);
        Assert.NotNull(services.GetRequiredService<IOptions<StorageOptions>>().Value.LocalPath);
        Assert.NotNull(services.GetRequiredService<IOptions<EmbeddingOptions>>().Value.Provider);
        Assert.Null(services.GetRequiredService<IOptions<ApiOptions>>().Value.PublicBaseUrl);
        Assert.Equal("crews", services.GetRequiredService<IOptions<CrewCatalogOptions>>().Value.Path);
        Assert.Empty(services.GetRequiredService<IOptions<PricingOptions>>().Value.Models);
    }

    [Theory]
    [InlineData("DurableCrews:Memory:CacheMegabytes", "0")]
    [InlineData("DurableCrews:Memory:CompactAfterSegments", "1")]
    [InlineData("DurableCrews:Memory:MaxSegmentRecords", "0")]
    public void Bad_memory_settings_are_named(string setting, string value) => AssertNamed<MemoryOptions>(setting, value);

    [Theory]
    [InlineData("DurableCrews:Tools:TimeoutSeconds", "0")]
    [InlineData("DurableCrews:Tools:MaxResultChars", "0")]
    [InlineData("DurableCrews:Tools:MaxResponseBytes", "-1")]
    [InlineData("DurableCrews:Tools:MaxFileBytes", "0")]
    public void Bad_tool_settings_are_named(string setting, string value) => AssertNamed<ToolOptions>(setting, value);

    [Fact]
    public void A_webhook_timeout_below_one_second_is_named() => AssertNamed<WebhookOptions>("DurableCrews:Webhooks:TimeoutSeconds", "0");

    [Fact]
    public void A_relative_blob_service_uri_is_named() => AssertNamed<StorageOptions>("DurableCrews:Storage:BlobServiceUri", "blobs/here");

    [Fact]
    public void An_unknown_embedding_provider_is_named() => AssertNamed<EmbeddingOptions>("DurableCrews:Embeddings:Provider", "no-such-provider");

    [Fact]
    public void A_relative_public_base_url_is_named() => AssertNamed<ApiOptions>("DurableCrews:Api:PublicBaseUrl", "crews/here");

    [Fact]
    public void An_empty_crews_path_is_named() => AssertNamed<CrewCatalogOptions>("DurableCrews:Crews:Path", " ");

    [Fact]
    public void A_negative_price_is_named() => AssertNamed<PricingOptions>("DurableCrews:Pricing:Models:gpt-x:PromptPer1K", "-0.5", "DurableCrews:Pricing:Models:gpt-x");

    [Fact]
    public void A_bad_for_each_limit_is_named() => AssertNamed<ExecutionOptions>("DurableCrews:Execution:MaxForEachItems", "0");

    [Fact]
    public void A_bad_model_timeout_is_named() => AssertNamed<ModelOptions>("DurableCrews:Model:TimeoutSeconds", "0");

    static void AssertNamed<TOptions>(string setting, string value, string? named = null)
        where TOptions : class
    {
        using var services = Services(new Dictionary<string, string?> { [setting] = value });

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TOptions>>().Value);
        Assert.Contains(named ?? setting, failure.Message, StringComparison.Ordinal);
    }

    static ServiceProvider Services(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddDurableCrews(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();
}
