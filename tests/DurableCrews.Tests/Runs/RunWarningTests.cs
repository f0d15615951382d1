using DurableCrews.Definitions;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.AI;

namespace DurableCrews.Tests.Runs;

/// <summary>Runs on the engine that complete, but not as they should: the output says so in its warnings.</summary>
public sealed class RunWarningTests
{
    static CrewDefinition Crew(int maxIter)
    {
        var result = CrewDefinitionLoader.Parse($$"""
            agents:
              clerk:
                role: Clerk
                goal: List the files
                backstory: Thorough
                tools: [list_files]
                max_iter: {{maxIter}}
            tasks:
              inventory:
                description: List the files.
                expected_output: The files
                agent: clerk
            """, "warned");
        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        return result.Definition!;
    }

    // A model that keeps calling the tool while it is offered, and answers only when it is told to.
    static ScriptedChatClient Looping() => new(async request =>
    {
        await Task.Yield();
        return request.HasTools
            ? new ChatMessage(ChatRole.Assistant, [new FunctionCallContent($"c{request.ToolResults.Count}", "list_files", new Dictionary<string, object?>())])
            : new ChatMessage(ChatRole.Assistant, "the files, as far as I got");
    });

    [Fact]
    public async Task An_agent_made_to_answer_at_max_iter_completes_with_a_warning()
    {
        await using var engine = await EngineHarness.StartAsync(Looping());

        var run = await engine.RunAsync(Crew(maxIter: 3));

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Contains(run.Output!.Warnings, w => w.StartsWith("inventory: the agent reached max_iter", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_agent_that_answers_before_max_iter_has_no_warning()
    {
        var model = new ScriptedChatClient(_ => "done at once");
        await using var engine = await EngineHarness.StartAsync(model);

        var run = await engine.RunAsync(Crew(maxIter: 3));

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Empty(run.Output!.Warnings);
    }
}
