using DurableCrews.Agents;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Tools;
using Microsoft.Extensions.AI;

namespace DurableCrews.Tests.Tools;

/// <summary>The offline model calls the tool a task asks for, once, with arguments from the prompt, then answers from it.</summary>
public sealed class OfflineToolUseTests
{
    static readonly AgentDefinition Clerk = new() { Name = "clerk", Role = "Clerk", Goal = "Answer from the tools", Backstory = "Careful" };

    static List<ChatMessage> Prompt(string description) =>
    [
        PromptBuilder.System(Clerk),
        PromptBuilder.Task(new TaskDefinition { Name = "t", Description = description, ExpectedOutput = "What the tools said" }, [], []),
    ];

    static ChatOptions Offer(params string[] builtins) => new()
    {
        Tools = builtins.Select(name => FileTools.Declare(new ToolDefinition { Name = name, Kind = ToolKind.Builtin }))
            .Select(t => (AITool)AIFunctionFactory.CreateDeclaration(t.Name, t.Description, t.Schema))
            .Append(AIFunctionFactory.CreateDeclaration("get-sum", "Adds two numbers", System.Text.Json.JsonSerializer.SerializeToElement(new
            {
                type = "object",
                properties = new { a = new { type = "number" }, b = new { type = "number" } },
                required = new[] { "a", "b" },
            })))
            .ToList(),
    };

    [Theory]
    [InlineData("Read the notes in data/notes.md and sum them up.", "file_read", "path=data/notes.md")]
    [InlineData("Fetch https://example.com/changelog and list what changed.", "web_fetch", "url=https://example.com/changelog")]
    [InlineData("List the files the run has so far.", "list_files", "")]
    [InlineData("Use get-sum with a: 2 and b: 3.5 to total the costs.", "get-sum", "a=2, b=3.5")]
    public async Task A_task_that_asks_for_what_a_tool_does_gets_one_call_with_arguments_from_the_prompt(string task, string tool, string arguments)
    {
        var client = new OfflineChatClient();
        var messages = Prompt(task);
        var options = Offer(BuiltinTools.FileRead, BuiltinTools.WebFetch, BuiltinTools.ListFiles);

        var first = await client.GetResponseAsync(messages, options);
        var again = await client.GetResponseAsync(messages, options);

        var call = Assert.IsType<FunctionCallContent>(Assert.Single(first.Messages.Single().Contents));
        Assert.Equal(tool, call.Name);
        Assert.Equal(arguments, string.Join(", ", call.Arguments!.Select(a => $"{a.Key}={Convert.ToString(a.Value, System.Globalization.CultureInfo.InvariantCulture)}")));
        Assert.Equal(call.CallId, Assert.IsType<FunctionCallContent>(again.Messages.Single().Contents.Single()).CallId);

        // Once the tool has answered, the model answers from its result and calls nothing more.
        messages.Add(first.Messages.Single());
        messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(call.CallId, "the tool's answer: 42")]));
        var answer = await client.GetResponseAsync(messages, options);
        Assert.DoesNotContain(answer.Messages.Single().Contents, c => c is FunctionCallContent);
        Assert.Contains($"### From the tools\n\n{tool}(", answer.Text, StringComparison.Ordinal);
        Assert.Contains("> the tool's answer: 42", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_task_that_needs_no_tool_gets_an_answer_and_no_tools_means_no_call()
    {
        var client = new OfflineChatClient();

        var unrelated = await client.GetResponseAsync(Prompt("Write a haiku about autumn."), Offer(BuiltinTools.FileRead));
        var untooled = await client.GetResponseAsync(Prompt("Read data/notes.md and sum them up."));

        Assert.DoesNotContain(unrelated.Messages.Single().Contents, c => c is FunctionCallContent);
        Assert.DoesNotContain(untooled.Messages.Single().Contents, c => c is FunctionCallContent);
    }
}
