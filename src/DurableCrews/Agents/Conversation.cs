using System.Text.Json;
using DurableCrews.Runs;
using Microsoft.Extensions.AI;

namespace DurableCrews.Agents;

/// <summary>Stores an agent's chat messages as JSON (tool calls and results included) and renders them for transcripts.</summary>
public static class Conversation
{
    /// <summary>The messages as JSON.</summary>
    public static JsonElement Save(IEnumerable<ChatMessage> messages) =>
        JsonSerializer.SerializeToElement(messages.ToList(), AIJsonUtilities.DefaultOptions);

    /// <summary>The messages stored by <see cref="Save"/>.</summary>
    public static List<ChatMessage> Load(JsonElement stored) =>
        stored.ValueKind == JsonValueKind.Array ? stored.Deserialize<List<ChatMessage>>(AIJsonUtilities.DefaultOptions) ?? [] : [];

    /// <summary>The messages as a transcript, tool calls and results written out.</summary>
    public static IReadOnlyList<TranscriptMessage> Transcribe(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return messages.Select(m => new TranscriptMessage(m.Role.Value, Render(m))).ToList();
    }

    static string Render(ChatMessage message)
    {
        var parts = message.Contents.Select(content => content switch
        {
            TextContent text => text.Text,
            FunctionCallContent call => $"[tool call {call.CallId}] {call.Name}({JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions)})",
            FunctionResultContent result => $"[tool result {result.CallId}] {result.Result}",
            _ => string.Empty,
        }).Where(p => p.Length > 0);
        return string.Join("\n", parts);
    }
}
