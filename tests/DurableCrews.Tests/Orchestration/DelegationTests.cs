using System.Text.Json;
using DurableCrews.Agents;
using DurableCrews.Definitions;
using DurableCrews.Orchestration.AgentWork;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.AI;
using static DurableCrews.Tests.Support.CrewEdits;

namespace DurableCrews.Tests.Orchestration;

public sealed class DelegationTests
{
    static CrewDefinition Hierarchical(params string[] agents)
    {
        var builder = new CrewBuilder();
        foreach (string agent in agents)
        {
            builder.Agent(agent);
        }

        return builder.Task("report", agents[0]).Build() with { Process = CrewProcess.Hierarchical };
    }

    static bool IsManager(ScriptedRequest request) => request.IsFrom(ManagerPersona.Role);

    static string Results(ScriptedRequest request) => string.Join(" | ", request.ToolResults.Select(r => r.Result?.ToString()));

    [Fact]
    public async Task Manager_delegations_in_one_turn_run_in_parallel_inline_in_the_task_orchestration()
    {
        int started = 0;
        var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var model = new ScriptedChatClient(async request =>
        {
            if (IsManager(request))
            {
                return request.ToolResults.Count == 0
                    ? Calls(Delegate("a role", "part A"), Delegate("b role", "part B"), Delegate("c role", "part C"))
                    : Answer($"final: {Results(request)}");
            }

            // Each coworker waits until all three are in flight: serial delegation would never get here.
            if (Interlocked.Increment(ref started) == 3)
            {
                allStarted.SetResult();
            }

            await allStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return Answer($"done by {request.System.Split('.')[0]}");
        });
        await using var harness = await EngineHarness.StartAsync(model);

        var run = await harness.RunAsync(Hierarchical("a", "b", "c"), runId: "fan-out");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var task = run.Output!.TasksOutput.Single();
        Assert.Equal(ManagerPersona.Role, task.Agent);
        Assert.Equal(["fan-out/t0/d1", "fan-out/t0/d2", "fan-out/t0/d3"], task.Delegations.Select(d => d.InstanceId));
        Assert.Equal(["a role", "b role", "c role"], task.Delegations.Select(d => d.Coworker));
        Assert.All(task.Delegations, d => Assert.StartsWith("done by You are ", d.Output, StringComparison.Ordinal));
        Assert.Contains("done by You are b role", task.Raw, StringComparison.Ordinal);

        // The manager's work and its coworkers' (who cannot delegate) all run inline in the run's orchestration.
        Assert.Null(await harness.Engine.Client.GetInstanceAsync("fan-out/t0"));
        Assert.Null(await harness.Engine.Client.GetInstanceAsync("fan-out/t0/d1"));
    }

    [Fact]
    public async Task The_run_progress_shows_the_delegations_of_an_inline_task_while_they_run()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var model = new ScriptedChatClient(async request =>
        {
            if (IsManager(request))
            {
                return request.ToolResults.Count == 0 ? Calls(Delegate("a role", "part A"), Delegate("b role", "part B")) : Answer("final");
            }

            await release.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return Answer("part done");
        });
        await using var harness = await EngineHarness.StartAsync(model);
        string runId = await harness.Engine.Runs.KickoffAsync(Hierarchical("a", "b"), new DurableCrews.Api.KickoffRequest { RunId = "live-delegations" });

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        RunningTask? running = null;
        while (running is not { Delegations.Count: 2 })
        {
            await Task.Delay(25, timeout.Token);
            running = (await harness.Engine.Runs.GetAsync(runId, timeout.Token))?.Progress?.Running.FirstOrDefault();
        }

        release.SetResult();
        var run = await harness.Engine.Runs.WaitAsync(runId, pollInterval: TimeSpan.FromMilliseconds(25), cancellationToken: timeout.Token);

        Assert.Null(running.InstanceId);
        Assert.Equal(["a role", "b role"], running.Delegations.Select(d => d.Coworker));
        Assert.Equal(CrewRunStatus.Completed, run.Status);
    }

    [Fact]
    public async Task In_a_hierarchical_crew_every_agent_is_a_coworker_of_the_manager_whatever_the_task_agent_says()
    {
        var model = new ScriptedChatClient(request => Task.FromResult(IsManager(request) && request.ToolResults.Count == 0
            ? Calls(Delegate("b role", "part B"))
            : Answer("ok")));
        await using var harness = await EngineHarness.StartAsync(model);

        var run = await harness.RunAsync(Hierarchical("a", "b"));

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var first = model.Requests.First(IsManager);
        var tool = first.Options!.Tools!.OfType<AIFunctionDeclaration>().Single(t => t.Name == DelegationTools.DelegateWork);
        var coworkers = tool.JsonSchema.GetProperty("properties").GetProperty("coworker").GetProperty("enum").EnumerateArray().Select(e => e.GetString());
        Assert.Equal(["a role", "b role"], coworkers);
        Assert.Equal(ChatToolMode.RequireAny, first.Options.ToolMode);
        Assert.Equal("b role", run.Output!.TasksOutput.Single().Delegations.Single().Coworker);
    }

    [Fact]
    public async Task Coworker_names_are_forgiven_and_bad_calls_come_back_to_the_manager_as_tool_results()
    {
        var objectArgument = JsonSerializer.SerializeToElement(new { text = "not a string" });
        var model = new ScriptedChatClient(request => Task.FromResult(!IsManager(request)
            ? Answer("coworker answer")
            : request.ToolResults.Count == 0
                ? Calls(
                    Delegate("  'A ROLE' ", "part A"),
                    Delegate("nobody", "part B"),
                    ("delegate_work", new Dictionary<string, object?> { ["task"] = objectArgument, ["context"] = "c", ["coworker"] = "a role" }),
                    ("Ask question to coworker", new Dictionary<string, object?> { ["question"] = "why?", ["context"] = "c", ["coworker"] = "\"a role\"" }))
                : Answer(Results(request))));
        await using var harness = await EngineHarness.StartAsync(model);

        var run = await harness.RunAsync(Hierarchical("a", "b"));

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        string[] results = run.Output!.Raw.Split(" | ");
        Assert.Equal("coworker answer", results[0]);
        Assert.Contains("there is no coworker named 'nobody'", results[1], StringComparison.Ordinal);
        Assert.Contains("'task' must be a string, not a JSON object", results[2], StringComparison.Ordinal);
        Assert.Equal("coworker answer", results[3]);
        Assert.Equal([DelegationTools.DelegateWork, DelegationTools.AskQuestion], run.Output.TasksOutput.Single().Delegations.Select(d => d.Kind));
    }

    [Fact]
    public async Task A_delegation_identical_to_one_already_answered_reuses_the_answer()
    {
        var model = new ScriptedChatClient(request => Task.FromResult(!IsManager(request)
            ? Answer("the only answer")
            : request.ToolResults.Count < 2
                ? Calls(Delegate("a role", "same work", "same context"))
                : Answer(Results(request))));
        await using var harness = await EngineHarness.StartAsync(model);

        var run = await harness.RunAsync(Hierarchical("a", "b"), runId: "reuse");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Single(model.Requests, r => !IsManager(r));
        var delegations = run.Output!.TasksOutput.Single().Delegations;
        Assert.Equal([false, true], delegations.Select(d => d.Reused));
        Assert.All(delegations, d => Assert.Equal("the only answer", d.Output));
        Assert.Equal("reuse/t0/d1", delegations[1].InstanceId);
    }

    [Fact]
    public async Task An_agent_with_allow_delegation_delegates_in_a_sequential_crew_and_nesting_stops_at_the_depth_limit()
    {
        var crew = new CrewBuilder().Agent("a").Agent("b").Task("work", "a").Build()
            .WithAgent("a", a => a with { AllowDelegation = true })
            .WithAgent("b", b => b with { AllowDelegation = true });
        var model = new ScriptedChatClient(request => Task.FromResult(request.ToolResults.Count > 0
            ? Answer(Results(request))
            : Calls(Delegate(request.IsFrom("a role") ? "b role" : "a role", $"level of {request.Messages.Count}"))));
        await using var harness = await EngineHarness.StartAsync(model);

        var run = await harness.RunAsync(crew, runId: "nested");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Contains("delegation is limited to 3 levels", run.Output!.Raw, StringComparison.Ordinal);
        var deepest = run.Output.TasksOutput.Single().Delegations.Single().Delegations.Single().Delegations.Single();
        Assert.Equal("nested/t0/d1/d1/d1", deepest.InstanceId);
        Assert.Empty(deepest.Delegations);

        // A coworker that may still delegate gets a sub-orchestration; the one at the depth limit runs inline in its parent.
        Assert.NotNull(await harness.Engine.Client.GetInstanceAsync("nested/t0/d1/d1"));
        Assert.Null(await harness.Engine.Client.GetInstanceAsync("nested/t0/d1/d1/d1"));
    }

    [Fact]
    public async Task An_agent_at_max_iter_is_made_to_give_a_final_answer()
    {
        var crew = new CrewBuilder().Agent("a").Agent("b").Task("work", "a").Build()
            .WithAgent("a", a => a with { AllowDelegation = true, MaxIter = 3 });
        int asked = 0;
        var model = new ScriptedChatClient(request => Task.FromResult(
            !request.IsFrom("a role") ? Answer("b helps")
            : request.Messages[^1].Text == AgentTurnActivity.FinalAnswerNow ? Answer("forced final answer")
            : Calls(Delegate("b role", $"more work {Interlocked.Increment(ref asked)}"))));
        await using var harness = await EngineHarness.StartAsync(model);

        var run = await harness.RunAsync(crew);

        var task = run.Output!.TasksOutput.Single();
        Assert.Equal("forced final answer", task.Raw);
        Assert.Equal(3, task.Turns);
        Assert.Equal(2, task.Delegations.Count);
        Assert.False(model.Requests.Last(r => r.IsFrom("a role")).HasTools);
    }
}
