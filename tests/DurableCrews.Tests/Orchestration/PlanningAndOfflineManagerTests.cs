using DurableCrews.Agents;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;
using static DurableCrews.Tests.Support.CrewEdits;

namespace DurableCrews.Tests.Orchestration;

public sealed class PlanningAndOfflineManagerTests
{
    static CrewDefinition DataPlatform() => new CrewDefinition
    {
        Name = "platform",
        Process = CrewProcess.Hierarchical,
        Agents =
        [
            new AgentDefinition { Name = "pipelines", Role = "Data Pipeline Engineer", Goal = "Build reliable ingestion pipelines and streaming infrastructure", Backstory = "b" },
            new AgentDefinition { Name = "analytics", Role = "Analytics Engineer", Goal = "Model data for analysis, dashboards and metrics", Backstory = "b" },
        ],
        Tasks =
        [
            new TaskDefinition
            {
                Name = "design",
                Description = "Design the platform:\n1. Design the ingestion pipelines for streaming events\n2. Define the analytics models and metrics\n3. Plan the dashboards\n4. Set up pipeline monitoring infrastructure",
                ExpectedOutput = "A platform design",
            },
        ],
    };

    [Fact]
    public async Task The_offline_manager_splits_requirements_by_role_and_goal_and_its_delegations_overlap_in_time()
    {
        await using var harness = await EngineHarness.StartAsync(new OfflineChatClient(TimeSpan.FromMilliseconds(300)));

        var run = await harness.RunAsync(DataPlatform());

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var delegations = run.Output!.TasksOutput.Single().Delegations;
        Assert.Equal(2, delegations.Count);
        Assert.Contains("ingestion pipelines", delegations.Single(d => d.Coworker == "Data Pipeline Engineer").Task, StringComparison.Ordinal);
        Assert.Contains("monitoring infrastructure", delegations.Single(d => d.Coworker == "Data Pipeline Engineer").Task, StringComparison.Ordinal);
        Assert.Contains("dashboards", delegations.Single(d => d.Coworker == "Analytics Engineer").Task, StringComparison.Ordinal);
        Assert.True(delegations[0].StartedAt < delegations[1].FinishedAt && delegations[1].StartedAt < delegations[0].FinishedAt, "the two delegations ran one after the other");
        Assert.Contains("Data Pipeline Engineer", run.Output.Raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Planning_runs_a_planner_turn_first_and_adds_each_task_its_plan()
    {
        var model = new ScriptedChatClient(request => Task.FromResult(request.IsFrom(PlanningPrompt.Role)
            ? Answer($"{PlanningPrompt.TaskHeading}first\n1. look around\n\n{PlanningPrompt.TaskHeading}second\n1. write it up")
            : Answer($"answer to {request.TaskLine}")));
        await using var harness = await EngineHarness.StartAsync(model);
        var crew = new CrewBuilder().Agent("a").Task("first", "a").Task("second", "a").Build() with { Planning = true };

        var run = await harness.RunAsync(crew, runId: "planned");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.True(model.Requests[0].IsFrom(PlanningPrompt.Role));
        Assert.Contains($"{PlanningPrompt.TaskHeading}second", model.Requests[0].Prompt, StringComparison.Ordinal);
        Assert.Contains($"{PlanningPrompt.PlanIntro}\n1. look around", model.Requests[1].Prompt, StringComparison.Ordinal);
        Assert.Contains($"{PlanningPrompt.PlanIntro}\n1. write it up", model.Requests[2].Prompt, StringComparison.Ordinal);
        Assert.Equal(45, run.Output!.TokenUsage.TotalTokens);
    }

    [Fact]
    public async Task The_offline_planner_writes_a_section_for_every_task()
    {
        await using var harness = await EngineHarness.StartAsync(new OfflineChatClient());
        var crew = new CrewBuilder().Agent("a").Task("first", "a").Task("second", "a").Build() with { Planning = true };

        var run = await harness.RunAsync(crew, runId: "offline-plan");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var plan = await harness.Runs.GetWorkAsync("offline-plan", "plan");
        Assert.Equal(["first", "second"], PlanningPrompt.Read(plan!.Answer!, ["first", "second"]).Keys.Order());
    }
}
