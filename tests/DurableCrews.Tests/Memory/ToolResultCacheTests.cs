using DurableCrews.Agents;
using DurableCrews.Definitions;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;
using static DurableCrews.Tests.Support.CrewEdits;

namespace DurableCrews.Tests.Memory;

/// <summary>With <c>cache: true</c>, tool results (the delegation tools' among them) are cached by tool name and arguments across runs.</summary>
public sealed class ToolResultCacheTests
{
    static ScriptedChatClient Model(Func<int> failures) => new(request => Task.FromResult(
        request.IsFrom(ManagerPersona.Role)
            ? request.ToolResults.Count == 0 ? Calls(Delegate("a role", "part A"), Delegate("b role", "part B")) : Answer("combined")
            : failures() > 0 ? throw new InvalidOperationException("coworker broke") : Answer($"answer from {request.System[..12]}")));

    static CrewDefinition Crew(bool cache) =>
        new CrewBuilder().Agent("a").Agent("b").Task("plan", "a").Build() with { Process = CrewProcess.Hierarchical, Cache = cache, Name = cache ? "cached-crew" : "uncached-crew" };

    [Fact]
    public async Task A_rerun_answers_the_same_delegations_from_the_cache_without_running_the_coworkers()
    {
        var model = Model(() => 0);
        await using var harness = await EngineHarness.StartAsync(model);

        var first = await harness.RunAsync(Crew(cache: true), runId: "tools-1");
        int callsAfterFirst = model.Requests.Count;
        var second = await harness.RunAsync(Crew(cache: true), runId: "tools-2");

        Assert.Equal(CrewRunStatus.Completed, second.Status);
        Assert.Equal(4, callsAfterFirst);
        Assert.Equal(callsAfterFirst, model.Requests.Count);
        var delegations = second.Output!.TasksOutput.Single().Delegations;
        Assert.All(delegations, d => Assert.True(d.Reused));
        Assert.Equal(first.Output!.TasksOutput.Single().Delegations.Select(d => d.Output), delegations.Select(d => d.Output));
        Assert.Equal(6, first.Output.TokenUsage.CacheMisses); // four model requests and two tool results
        Assert.Equal(4, second.Output.TokenUsage.CacheHits);
    }

    [Fact]
    public async Task Without_cache_the_same_delegations_run_again()
    {
        var model = Model(() => 0);
        await using var harness = await EngineHarness.StartAsync(model);

        await harness.RunAsync(Crew(cache: false));
        await harness.RunAsync(Crew(cache: false));

        Assert.Equal(4, model.Requests.Count(r => !r.IsFrom(ManagerPersona.Role)));
    }

    [Fact]
    public async Task A_failed_delegation_is_not_cached()
    {
        bool broken = true;
        var model = Model(() => broken ? 1 : 0);
        await using var harness = await EngineHarness.StartAsync(model);

        var failed = await harness.RunAsync(Crew(cache: true));
        broken = false;
        await harness.RunAsync(Crew(cache: true) with { Name = "cached-crew" });

        Assert.Contains("could not finish", failed.Output!.TasksOutput.Single().Delegations[0].Output, StringComparison.Ordinal);
        Assert.Equal(2, model.Requests.Count(r => !r.IsFrom(ManagerPersona.Role) && r.FinishedAt != default));
    }
}
