using DurableCrews.Models;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.AI;

namespace DurableCrews.Tests.Execution;

/// <summary>429 and 5xx answers from Azure OpenAI, read at the wire: no hidden client retries, and the wait the service asked for.</summary>
public sealed class ThrottlingWireTests
{
    static IChatClient Azure(Uri endpoint) => ChatClientProvider.Of(
        new ModelOptions { Provider = ModelProviders.AzureOpenAI, Endpoint = endpoint, Name = "gpt-test", ApiKey = "k" },
        TimeProvider.System).Resolve(ModelReference.Default).Client;

    [Fact]
    public async Task Throttled_answer_surfaces_once_with_its_retry_after()
    {
        await using var stub = await HttpStub.StartAsync(_ => (429, """{"error":{"code":"429","message":"slow down"}}""", new Dictionary<string, string> { ["Retry-After"] = "7" }));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Azure(stub.BaseAddress).GetResponseAsync("hi"));

        var throttled = ModelThrottledException.From(error, DateTimeOffset.UtcNow);
        Assert.NotNull(throttled);
        Assert.Equal(429, throttled.Status);
        Assert.Equal(TimeSpan.FromSeconds(7), throttled.RetryAfter);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task Server_error_is_transient_without_a_wait()
    {
        await using var stub = await HttpStub.StartAsync(_ => (503, """{"error":{"message":"busy"}}""", null));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Azure(stub.BaseAddress).GetResponseAsync("hi"));

        var throttled = ModelThrottledException.From(error, DateTimeOffset.UtcNow);
        Assert.Equal(503, throttled!.Status);
        Assert.Null(throttled.RetryAfter);
        Assert.DoesNotContain("\"k\"", throttled.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_request_is_not_transient()
    {
        await using var stub = await HttpStub.StartAsync(_ => (400, """{"error":{"message":"bad"}}""", null));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Azure(stub.BaseAddress).GetResponseAsync("hi"));

        Assert.Null(ModelThrottledException.From(error, DateTimeOffset.UtcNow));
    }
}
