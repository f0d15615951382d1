using System.Text.Json;

namespace DurableCrews.Tests.Support;

/// <summary>What a request to a stub OpenAI-compatible model is: its system prompt, the task it works on, whether it carries tool results.</summary>
public sealed record StubModelCall(string System, string Task, bool HasToolResults)
{
    /// <summary>Reads a chat completions request body.</summary>
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

    /// <summary>Whether the call is the hierarchical crew's manager's.</summary>
    public bool IsManager => System.StartsWith("You are Crew Manager.", StringComparison.Ordinal);
}
