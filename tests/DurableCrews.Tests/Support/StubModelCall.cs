using System.Text.Json;

namespace DurableCrews.Tests.Support;

/// <summary>What a chat completion request to a stub model server asks: its system prompt, its task line, and whether it carries tool results.</summary>
public sealed record StubModelCall(string System, string Task, bool HasToolResults)
{
    /// <summary>Reads the OpenAI chat completion request <paramref name="request"/>.</summary>
    public static StubModelCall Read(StubRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var body = JsonDocument.Parse(request.Body);
        var messages = body.RootElement.GetProperty("messages").EnumerateArray().ToList();
        static string Text(JsonElement m) => m.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : string.Empty;
        string system = messages.Where(m => m.GetProperty("role").GetString() == "system").Select(Text).FirstOrDefault() ?? string.Empty;
        string task = messages.Where(m => m.GetProperty("role").GetString() == "user").Select(Text).FirstOrDefault(t => t.StartsWith("Current Task: ", StringComparison.Ordinal))?.Split('\n')[0]["Current Task: ".Length..] ?? string.Empty;
        return new StubModelCall(system, task, messages.Any(m => m.GetProperty("role").GetString() == "tool"));
    }
}
