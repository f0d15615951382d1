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

    /// <summary>A completion that asks for the tool calls <paramref name="calls"/>, in order.</summary>
    public static string ToolCalls(params (string Name, object Arguments)[] calls) => JsonSerializer.Serialize(new
    {
        id = "c",
        @object = "chat.completion",
        created = 1,
        model = "stub",
        choices = new[]
        {
            new
            {
                index = 0,
                finish_reason = "tool_calls",
                message = new
                {
                    role = "assistant",
                    content = (string?)null,
                    tool_calls = calls.Select((c, i) => new
                    {
                        id = $"call_{i}",
                        type = "function",
                        function = new { name = c.Name, arguments = JsonSerializer.Serialize(c.Arguments) },
                    }).ToArray(),
                },
            },
        },
        usage = new { prompt_tokens = 10, completion_tokens = 5, total_tokens = 15 },
    });

    /// <summary>A manager's completion that delegates one part of the work to each of <paramref name="coworkers"/>.</summary>
    public static string Delegations(params string[] coworkers) =>
        ToolCalls(coworkers.Select(c => ("delegate_work", (object)new { task = $"part for {c}", context = "platform", coworker = c })).ToArray());
}
