using DurableCrews.Models;
using Microsoft.Extensions.AI;

namespace DurableCrews.Bench;

/// <summary>A stand-in model for benchmarks: answers only whole responses, and is what every agent's model resolves to.</summary>
internal abstract class BenchChatClient : IChatClient, IChatClientProvider
{
    public abstract Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default);

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public ResolvedModel Resolve(ModelReference reference) => new(this, "bench");

    public void Dispose()
    {
    }
}
