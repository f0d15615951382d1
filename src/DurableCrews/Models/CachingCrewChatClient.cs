using System.Security.Cryptography;
using System.Text;
using DurableCrews.Storage;
using Microsoft.Extensions.AI;

namespace DurableCrews.Models;

/// <summary>
/// Answers a request from the crew's <see cref="ResponseCache"/> when an identical one was answered before, and caches
/// each successful new answer; a streamed answer is cached whole and streamed again from the cache. Counts its hits and
/// misses for the run's usage.
/// </summary>
public sealed class CachingCrewChatClient : CachingChatClient
{
    readonly ResponseCache cache;
    readonly string model;
    int hits;
    int misses;

    /// <summary>Wraps <paramref name="inner"/>, keyed by <paramref name="model"/> (the resolved model's description).</summary>
    public CachingCrewChatClient(IChatClient inner, ResponseCache cache, string model)
        : base(inner)
    {
        ArgumentNullException.ThrowIfNull(cache);
        this.cache = cache;
        this.model = model;
    }

    /// <summary>Requests answered from the cache.</summary>
    public int Hits => hits;

    /// <summary>Requests sent to the model.</summary>
    public int Misses => misses;

    /// <summary>
    /// <see cref="ResponseCache.KeyOf"/> for a request answered at once, as it always was, so that answers cached before
    /// still serve; for a streamed request, a key of its own derived from it.
    /// </summary>
    protected override string GetCacheKey(IEnumerable<ChatMessage> messages, ChatOptions? options, params ReadOnlySpan<object?> additionalValues)
    {
        string key = ResponseCache.KeyOf(model, messages, options);
        foreach (object? value in additionalValues)
        {
            // The base class says which calls stream with a boxed true.
            if (value is true)
            {
                return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"stream\n{key}")));
            }
        }

        return key;
    }

    /// <inheritdoc />
    protected override async Task<ChatResponse?> ReadCacheAsync(string key, CancellationToken cancellationToken)
    {
        var cached = await cache.GetAsync(key, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref cached is null ? ref misses : ref hits);
        return cached;
    }

    /// <inheritdoc />
    protected override Task WriteCacheAsync(string key, ChatResponse value, CancellationToken cancellationToken) =>
        cache.SaveAsync(key, value, cancellationToken);

    /// <summary>For <see cref="CachingChatClient.CoalesceStreamingUpdates"/> off: the cached answer, streamed as its updates.</summary>
    protected override async Task<IReadOnlyList<ChatResponseUpdate>?> ReadCacheStreamingAsync(string key, CancellationToken cancellationToken) =>
        (await ReadCacheAsync(key, cancellationToken).ConfigureAwait(false))?.ToChatResponseUpdates();

    /// <summary>For <see cref="CachingChatClient.CoalesceStreamingUpdates"/> off: the streamed updates, cached as one answer.</summary>
    protected override Task WriteCacheStreamingAsync(string key, IReadOnlyList<ChatResponseUpdate> value, CancellationToken cancellationToken) =>
        WriteCacheAsync(key, value.ToChatResponse(), cancellationToken);
}
