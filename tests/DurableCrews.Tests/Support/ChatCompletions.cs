using System.Text.Json;

namespace DurableCrews.Tests.Support;

/// <summary>OpenAI chat completion bodies, as a stub model server answers them.</summary>
public static class ChatCompletions
{
    /// <summary>A completion that answers with <paramref name="content"/>.</summary>
    public static string Text(string content) => JsonSerializer.Serialize(new
    {
        id = "c",
        @object = "chat.completion",
        created = 1,
        model = "stub",
        choices = new[] { new { index = 0, finish_reason = "stop", message = new { role = "assistant", content } } },
        usage = new { prompt_tokens = 10, completion_tokens = 5, total_tokens = 15 },
    });
}
