using DurableCrews.Storage;
using Microsoft.Extensions.AI;

namespace DurableCrews.Models;

/// <summary>
/// Answers a request from the crew's <see cref="ResponseCache"/> when an identical one was answered before,
/// and caches each successful new answer. Counts its hits and misses for the run's usage.
/// </summary>
public sealed class CachingCrewChatClient : DelegatingChatClient
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

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? messages.ToList();
        string key = ResponseCache.KeyOf(model, list, options);
        if (await cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is { } cached)
        {
            Interlocked.Increment(ref hits);
            return cached;
        }

        Interlocked.Increment(ref misses);
        var response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        await cache.SaveAsync(key, response, cancellationToken).ConfigureAwait(false);
        return response;
    }
}
