using System.Runtime.CompilerServices;
using DurableCrews.Models;
using DurableCrews.Storage;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.AI;

namespace DurableCrews.Tests.Models;

public sealed class CachingCrewChatClientTests : IDisposable
{
    readonly TempFolder folder = new();
    readonly ResponseCache cache;
    readonly CountingClient model = new();

    public CachingCrewChatClientTests() => cache = new ResponseCache(new LocalBlobStore(folder.Path));

    static List<ChatMessage> Prompt => [new(ChatRole.User, "What is a crew?")];

    [Fact]
    public async Task Streamed_answer_is_cached_and_streamed_again_without_a_model_call()
    {
        using var first = new CachingCrewChatClient(model, cache, "offline/test");
        string sent = await TextOf(first.GetStreamingResponseAsync(Prompt));
        using var second = new CachingCrewChatClient(model, cache, "offline/test");
        string replayed = await TextOf(second.GetStreamingResponseAsync(Prompt));

        Assert.Equal(("A team.", "A team.", 1), (sent, replayed, model.Streams));
        Assert.Equal((0, 1, 1, 0), (first.Hits, first.Misses, second.Hits, second.Misses));
    }

    [Fact]
    public async Task Streamed_answer_is_cached_when_updates_are_kept_as_they_came()
    {
        using var first = new CachingCrewChatClient(model, cache, "offline/test") { CoalesceStreamingUpdates = false };
        await TextOf(first.GetStreamingResponseAsync(Prompt));
        using var second = new CachingCrewChatClient(model, cache, "offline/test") { CoalesceStreamingUpdates = false };
        string replayed = await TextOf(second.GetStreamingResponseAsync(Prompt));

        Assert.Equal(("A team.", 1, 1), (replayed, model.Streams, second.Hits));
    }

    [Fact]
    public async Task Answer_is_cached_under_the_response_cache_key()
    {
        using var client = new CachingCrewChatClient(model, cache, "offline/test");
        await client.GetResponseAsync(Prompt);

        var stored = await cache.GetAsync(ResponseCache.KeyOf("offline/test", Prompt, null));
        Assert.Equal("A team.", stored?.Text);
    }

    public void Dispose() => folder.Dispose();

    static async Task<string> TextOf(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var text = new System.Text.StringBuilder();
        await foreach (var update in updates)
        {
            text.Append(update.Text);
        }

        return text.ToString();
    }

    sealed class CountingClient : IChatClient
    {
        public int Streams { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "A team.")));

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Streams++;
            foreach (string part in new[] { "A ", "team." })
            {
                await Task.Yield();
                yield return new ChatResponseUpdate(ChatRole.Assistant, part) { MessageId = "m1" };
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
