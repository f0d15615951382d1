using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace DurableCrews.Tests.Support;

/// <summary>
/// A chat client for tests: answers through a script (by default, names the task it was given), optionally
/// after a latency, and records every request with its start and finish time.
/// </summary>
public sealed class ScriptedChatClient : IChatClient
{
    readonly Func<ScriptedRequest, string> answer;
    readonly TimeSpan latency;
    readonly ConcurrentQueue<ScriptedRequest> requests = new();

    public ScriptedChatClient(Func<ScriptedRequest, string>? answer = null, TimeSpan latency = default)
    {
        this.answer = answer ?? (r => $"answer to: {r.TaskLine}");
        this.latency = latency;
    }

    public IReadOnlyList<ScriptedRequest> Requests => requests.OrderBy(r => r.StartedAt).ToList();

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = new ScriptedRequest(messages.ToList(), DateTimeOffset.UtcNow);
        requests.Enqueue(request);
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, cancellationToken);
        }

        string text = answer(request);
        request.FinishedAt = DateTimeOffset.UtcNow;
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5, TotalTokenCount = 15 },
        };
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The scripted client does not stream.");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

/// <summary>One request a <see cref="ScriptedChatClient"/> received.</summary>
public sealed class ScriptedRequest(IReadOnlyList<ChatMessage> messages, DateTimeOffset startedAt)
{
    public IReadOnlyList<ChatMessage> Messages { get; } = messages;

    public DateTimeOffset StartedAt { get; } = startedAt;

    public DateTimeOffset FinishedAt { get; set; }

    public string Prompt => Messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;

    /// <summary>The first line of the task description.</summary>
    public string TaskLine => Prompt.Split('\n')[0].Replace("Current Task: ", string.Empty, StringComparison.Ordinal).Trim();
}
