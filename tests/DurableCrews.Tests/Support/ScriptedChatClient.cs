using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace DurableCrews.Tests.Support;

/// <summary>
/// A chat client for tests: answers through a script (by default, names the task it was given), optionally
/// after a latency, and records every request with its start and finish time.
/// </summary>
public sealed class ScriptedChatClient : IChatClient
{
    readonly Func<ScriptedRequest, Task<ChatMessage>> respond;
    readonly TimeSpan latency;
    readonly ConcurrentQueue<ScriptedRequest> requests = new();

    public ScriptedChatClient(Func<ScriptedRequest, string>? answer = null, TimeSpan latency = default)
    {
        var text = answer ?? (r => $"answer to: {r.TaskLine}");
        respond = r => Task.FromResult(new ChatMessage(ChatRole.Assistant, text(r)));
        this.latency = latency;
    }

    /// <summary>A client whose script answers with whole messages (tool calls included), may wait, or may throw.</summary>
    public ScriptedChatClient(Func<ScriptedRequest, Task<ChatMessage>> respond)
    {
        this.respond = respond;
    }

    public IReadOnlyList<ScriptedRequest> Requests => requests.OrderBy(r => r.StartedAt).ToList();

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = new ScriptedRequest(messages.ToList(), DateTimeOffset.UtcNow) { Options = options };
        requests.Enqueue(request);
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, cancellationToken);
        }

        var message = await respond(request);
        request.FinishedAt = DateTimeOffset.UtcNow;
        return new ChatResponse(message)
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

    public ChatOptions? Options { get; init; }

    /// <summary>The system message: who the agent is (<c>You are {role}. …</c>).</summary>
    public string System => Messages.FirstOrDefault(m => m.Role == ChatRole.System)?.Text ?? string.Empty;

    /// <summary>Whether the request was made by the agent with this role.</summary>
    public bool IsFrom(string role) => System.StartsWith($"You are {role}.", StringComparison.Ordinal);

    /// <summary>Whether delegation tools were offered.</summary>
    public bool HasTools => Options?.Tools is { Count: > 0 };

    /// <summary>The tool results the request carries.</summary>
    public IReadOnlyList<FunctionResultContent> ToolResults => Messages.Where(m => m.Role == ChatRole.Tool).SelectMany(m => m.Contents).OfType<FunctionResultContent>().ToList();

    public string Prompt => Messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;

    /// <summary>The first line of the task description.</summary>
    public string TaskLine => Prompt.Split('\n')[0].Replace("Current Task: ", string.Empty, StringComparison.Ordinal).Trim();
}
