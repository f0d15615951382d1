using System.Runtime.CompilerServices;
using DurableCrews.Agents;
using Microsoft.Extensions.AI;

namespace DurableCrews.Models;

/// <summary>
/// A deterministic model that needs nothing: it reads the task prompt back (role, task, numbered requirements,
/// expected output, context from earlier tasks, JSON schema) and writes an answer in the expected shape, plainly
/// marked as offline output. The same prompt always gives the same answer. An optional latency simulates a real
/// model for demos, benchmarks and timeout tests.
/// </summary>
public sealed class OfflineChatClient : IChatClient
{
    /// <summary>The first line of every offline answer that is not JSON or code.</summary>
    public const string Marker = "> Offline model output: deterministic, derived from the prompt; no LLM was called.";

    readonly TimeSpan latency;
    readonly TimeProvider time;

    /// <summary>Creates the offline model.</summary>
    /// <param name="latency">How long each answer takes.</param>
    /// <param name="time">The clock the latency is measured on.</param>
    public OfflineChatClient(TimeSpan latency = default, TimeProvider? time = null)
    {
        this.latency = latency;
        this.time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, time, cancellationToken).ConfigureAwait(false);
        }

        var reply = OfflineToolUse.Call(list, options) is { } toolCall
            ? new ChatMessage(ChatRole.Assistant, [toolCall])
            : OfflineDelegation.Calls(list, options) is { Count: > 0 } calls
                ? new ChatMessage(ChatRole.Assistant, calls)
                : new ChatMessage(ChatRole.Assistant, Answer(list));
        int promptTokens = EstimateTokens(string.Concat(list.Select(m => m.Text)));
        int completionTokens = EstimateTokens(reply.Text + string.Concat(reply.Contents.OfType<FunctionCallContent>().Select(c => string.Concat(c.Arguments?.Values ?? []))));
        return new ChatResponse(reply)
        {
            ModelId = "offline",
            FinishReason = reply.Contents.Any(c => c is FunctionCallContent) ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
            Usage = new UsageDetails
            {
                InputTokenCount = promptTokens,
                OutputTokenCount = completionTokens,
                TotalTokenCount = promptTokens + completionTokens,
            },
        };
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType?.IsInstanceOfType(this) == true ? this : null;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>Roughly four characters a token, as a stand-in for a tokenizer.</summary>
    public static int EstimateTokens(string? text) => string.IsNullOrEmpty(text) ? 0 : Math.Max(1, text.Length / 4);

    static string Answer(IReadOnlyList<ChatMessage> messages)
    {
        if (messages.FirstOrDefault(m => m.Role == ChatRole.System)?.Text == GuardrailPrompt.System)
        {
            return "PASS";
        }

        if (messages.FirstOrDefault(m => m.Role == ChatRole.System)?.Text.StartsWith($"{PromptSections.Role}{PlanningPrompt.Role}.", StringComparison.Ordinal) == true)
        {
            return OfflineProseAnswer.Plan(messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty);
        }

        var prompt = PromptReading.Of(messages);
        var delegated = OfflineDelegation.Answers(messages);
        if (delegated.Count > 0)
        {
            prompt = prompt with { ContextEntries = [.. prompt.ContextEntries, .. delegated] };
        }

        if (prompt.JsonSchema is { } schema)
        {
            return OfflineJsonAnswer.For(schema, prompt);
        }

        if (OfflineText.Mentions(prompt.ExpectedOutput, "python code") || OfflineText.Mentions(prompt.ExpectedOutput, "only the python"))
        {
            return OfflineProseAnswer.Python(prompt);
        }

        string answer = OfflineProseAnswer.Markdown(prompt) + OfflineToolUse.Quote(messages);
        var revision = messages.LastOrDefault(m => m.Role == ChatRole.User && m.Text.StartsWith(GuardrailPrompt.RevisionStart, StringComparison.Ordinal));
        return revision is null ? answer : $"{answer}\n### Revision\n\nRevised as asked: {OfflineText.Trim(GuardrailPrompt.FeedbackOf(revision.Text), 300)}\n";
    }
}
