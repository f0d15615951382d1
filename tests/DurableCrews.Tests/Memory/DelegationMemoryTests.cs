using DurableCrews.Agents;
using DurableCrews.Definitions;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;
using static DurableCrews.Tests.Support.CrewEdits;

namespace DurableCrews.Tests.Memory;

public sealed class DelegationMemoryTests
{
    [Fact]
    public async Task A_coworker_handed_work_recalls_what_earlier_runs_of_the_crew_remembered()
    {
        var model = new ScriptedChatClient(request => Task.FromResult(
            request.IsFrom(ManagerPersona.Role)
                ? request.ToolResults.Count == 0 ? Calls(Delegate("a role", "design the kafka ingestion")) : Answer("kafka ingestion plan with schema registry")
                : Answer("kafka ingestion design: topics, schema registry, retention")));
        await using var harness = await EngineHarness.StartAsync(model);
        var crew = new CrewBuilder().Agent("a").Agent("b").Task("plan", "a").Build() with { Process = CrewProcess.Hierarchical, Memory = true, Name = "remembering" };

        await harness.RunAsync(crew);
        int firstRun = model.Requests.Count;
        var second = await harness.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Completed, second.Status);
        var coworkerPrompt = model.Requests.Skip(firstRun).First(r => r.IsFrom("a role")).Prompt;
        Assert.Contains(PromptSections.Memory, coworkerPrompt, StringComparison.Ordinal);
        Assert.Contains("schema registry", coworkerPrompt[coworkerPrompt.IndexOf(PromptSections.Memory, StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.DoesNotContain(PromptSections.Memory, model.Requests.Take(firstRun).First(r => r.IsFrom("a role")).Prompt, StringComparison.Ordinal);
    }
}
