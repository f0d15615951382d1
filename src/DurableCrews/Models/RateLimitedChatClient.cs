using System.Runtime.CompilerServices;
using DurableCrews.Orchestration.RateLimiting;
using Microsoft.Extensions.AI;

namespace DurableCrews.Models;

/// <summary>
/// Takes a request slot in the run's <c>max_rpm</c> limits immediately before each request goes to the model, so that the
/// limit holds at the model server and not only on paper. When no slot is free it sends nothing and throws
/// <see cref="RequestSlotUnavailableException"/>, for the orchestration to wait on a durable timer. Layered under the
/// response cache: an answer from the cache takes no slot.
/// </summary>
public sealed class RateLimitedChatClient : DelegatingChatClient
{
    readonly ModelRequestSlots slots;
    readonly string runId;
    readonly IReadOnlyList<RateScope> scopes;
    readonly TimeSpan window;
    readonly TimeProvider time;

    /// <summary>Creates the client over <paramref name="inner"/>.</summary>
    public RateLimitedChatClient(IChatClient inner, ModelRequestSlots slots, string runId, IReadOnlyList<RateScope> scopes, TimeSpan window, TimeProvider time)
        : base(inner)
    {
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(time);
        this.slots = slots;
        this.runId = runId;
        this.scopes = scopes;
        this.window = window;
        this.time = time;
    }

    /// <inheritdoc />
    /// <exception cref="RequestSlotUnavailableException">No slot is free; nothing was sent.</exception>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        await TakeSlotAsync(cancellationToken).ConfigureAwait(false);
        return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await TakeSlotAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    async Task TakeSlotAsync(CancellationToken cancellationToken)
    {
        if (await slots.TryTakeAsync(runId, scopes, window, time.GetUtcNow().UtcDateTime, cancellationToken).ConfigureAwait(false) is { } freesAt)
        {
            throw new RequestSlotUnavailableException(freesAt);
        }
    }
}
