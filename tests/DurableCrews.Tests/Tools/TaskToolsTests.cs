using DurableCrews.Definitions;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Tools;

/// <summary>A task's <c>tools:</c> replace its agent's for that task, as in CrewAI.</summary>
public sealed class TaskToolsTests
{
    static CrewLoadResult Load(string taskTools) => CrewDefinitionLoader.Parse($$"""
        agents:
          clerk:
            role: Clerk
            goal: Keep files
            backstory: Tidy
            tools: [file_read]
        tasks:
          inventory:
            description: Take stock.
            expected_output: The files
            agent: clerk
            {{taskTools}}
          recap:
            description: Sum up.
            expected_output: A recap
            agent: clerk
        """, "task-tools");

    [Fact]
    public async Task A_task_with_its_own_tools_offers_only_those_and_the_next_task_the_agent_s()
    {
        var loaded = Load("tools: [DirectoryReadTool]");
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Problems));
        Assert.Empty(loaded.Warnings);
        var model = new ScriptedChatClient(_ => "done");
        await using var engine = await EngineHarness.StartAsync(model);

        var run = await engine.RunAsync(loaded.Definition!);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var offered = model.Requests.Select(r => string.Join(",", r.Options?.Tools?.Select(t => t.Name) ?? [])).ToList();
        Assert.Equal([BuiltinTools.ListFiles, BuiltinTools.FileRead], offered);
    }

    [Fact]
    public void A_task_tool_nothing_provides_is_a_problem_with_a_suggestion()
    {
        var loaded = Load("tools: [list_fils]");

        var problem = Assert.Single(loaded.Problems);
        Assert.Equal("crew.tasks.inventory.tools[0]", problem.Path);
        Assert.Contains("did you mean 'list_files'?", problem.Message, StringComparison.Ordinal);
    }
}
