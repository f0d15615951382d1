using DurableCrews.Agents;
using DurableCrews.Api;
using DurableCrews.Definitions;
using DurableCrews.Orchestration;
using DurableCrews.Orchestration.AgentWork;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;
using static DurableCrews.Tests.Support.CrewEdits;

namespace DurableCrews.Tests.Orchestration;

/// <summary>Tasks decided at run time (<c>for_each</c>, <c>condition</c>) on the real Durable Task engine.</summary>
public sealed class DynamicTaskTests
{
    const string FindingsSchema = """{"type":"object","properties":{"findings":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"}}}}}}""";

    /// <summary>explore → profile (one per finding) → summary; explore answers with <paramref name="findings"/>.</summary>
    static CrewDefinition Crew(int maxParallel = 8, bool async = false) =>
        new CrewBuilder().Agent("a")
            .Task("explore", "a", outputJson: FindingsSchema)
            .Task("profile", "a", async: async)
            .Task("summary", "a", context: ["profile"])
            .Build()
            .WithTask("profile", t => t with { ForEach = "explore.findings", MaxParallel = maxParallel, Description = "profile {item.name} as number {item_index}", ExpectedOutput = "a profile of {item}" });

    static ScriptedChatClient Model(string findings, TimeSpan latency = default) => new(
        r => r.TaskLine == "do explore" ? $$"""{"findings": {{findings}}}""" : $"answer to: {r.TaskLine}", latency);

    static string Names(params string[] names) => "[" + string.Join(",", names.Select(n => $$"""{"name":"{{n}}"}""")) + "]";

    [Fact]
    public async Task A_for_each_task_runs_once_per_item_and_keeps_each_output_as_its_own()
    {
        var model = Model(Names("acme", "globex", "initech"));
        await using var harness = await EngineHarness.StartAsync(model);

        var run = await harness.RunAsync(Crew(), runId: "fan");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(["explore", "profile[0]", "profile[1]", "profile[2]", "summary"], run.Output!.TasksOutput.Select(t => t.Name));
        Assert.Equal(["answer to: profile acme as number 0", "answer to: profile globex as number 1", "answer to: profile initech as number 2"], run.Output.TasksOutput.Where(t => t.Item is not null).Select(t => t.Raw));
        Assert.Contains("a profile of {\"name\":\"globex\"}", model.Requests.Single(r => r.TaskLine == "profile globex as number 1").Prompt, StringComparison.Ordinal);

        // Each item is its own work (record, turns, retries); one needing no instance of its own runs in the run's orchestration.
        Assert.Equal((2, "answer to: profile initech as number 2"), await harness.Runs.GetWorkAsync("fan", "t1/i2") is { } work ? (work.Item, work.Answer) : default);
        Assert.Null(await harness.Engine.Client.GetInstanceAsync("fan/t1/i2"));
        Assert.Equal("answer to: profile globex as number 1", (await harness.Engine.Runs.GetTaskAsync("fan", "profile[1]"))?.Raw);
        Assert.Null(await harness.Engine.Runs.GetTaskAsync("fan", "profile[../../x]"));
    }

    [Fact]
    public void A_bound_on_items_below_one_is_refused_when_the_host_starts()
    {
        var result = new ExecutionOptionsValidator().Validate(null, new ExecutionOptions { MaxForEachItems = 0 });

        Assert.Equal(["DurableCrews:Execution:MaxForEachItems must be at least 1, not 0."], result.Failures);
    }

    [Fact]
    public async Task Each_item_writes_its_own_output_file_and_an_item_cannot_steer_it_out_of_the_run()
    {
        var model = Model(Names("acme", "../../escape"));
        await using var harness = await EngineHarness.StartAsync(model);

        var run = await harness.RunAsync(Crew().WithTask("profile", t => t with { OutputFile = "profiles/{item.name}.md" }), runId: "files");

        Assert.True(run.Status == CrewRunStatus.Completed, run.Output?.Error);
        Assert.Equal(["files/files/profiles/acme.md", "files/files/profiles/{item.name}-1.md"], run.Output!.TasksOutput.Where(t => t.Item is not null).Select(t => t.OutputFile));
    }

    [Fact]
    public async Task A_task_whose_context_names_a_for_each_task_gets_every_item_output_in_order()
    {
        var model = Model(Names("acme", "globex", "initech"));
        await using var harness = await EngineHarness.StartAsync(model);

        var run = await harness.RunAsync(Crew());

        Assert.Equal(["profile[0]", "profile[1]", "profile[2]"], run.Output!.TasksOutput[^1].Context);
        string prompt = model.Requests.Single(r => r.TaskLine == "do summary").Prompt;
        int acme = prompt.IndexOf("profile acme as number 0", StringComparison.Ordinal);
        int globex = prompt.IndexOf("profile globex as number 1", StringComparison.Ordinal);
        int initech = prompt.IndexOf("profile initech as number 2", StringComparison.Ordinal);
        Assert.True(acme >= 0 && acme < globex && globex < initech, prompt);
    }

    [Fact]
    public async Task No_more_items_run_at_once_than_max_parallel()
    {
        var model = Model(Names("a", "b", "c", "d", "e", "f"), TimeSpan.FromMilliseconds(300));
        await using var harness = await EngineHarness.StartAsync(model, new Dictionary<string, string?> { ["DurableCrews:Execution:MaxForEachItems"] = "10" });

        var run = await harness.RunAsync(Crew(maxParallel: 2));

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var items = model.Requests.Where(r => r.TaskLine.StartsWith("profile ", StringComparison.Ordinal)).ToList();
        int most = items.Max(i => items.Count(o => o.StartedAt <= i.StartedAt && i.StartedAt < o.FinishedAt));
        Assert.Equal(6, items.Count);
        Assert.Equal(2, most);
    }

    [Fact]
    public async Task An_empty_list_skips_the_task_with_the_reason_and_the_crew_goes_on()
    {
        var model = Model("[]");
        await using var harness = await EngineHarness.StartAsync(model);

        var run = await harness.RunAsync(Crew());

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var profile = run.Output!.TasksOutput.Single(t => t.Name == "profile");
        Assert.Equal("Skipped: its for_each 'explore.findings' gave no items.", profile.Skipped);
        Assert.DoesNotContain(model.Requests, r => r.TaskLine.StartsWith("profile", StringComparison.Ordinal));
        Assert.Equal("answer to: do summary", run.Output.Raw);
    }

    [Fact]
    public async Task More_items_than_allowed_fail_the_run_naming_the_task_before_any_item_runs()
    {
        var model = Model(Names("a", "b", "c"));
        await using var harness = await EngineHarness.StartAsync(model, new Dictionary<string, string?> { ["DurableCrews:Execution:MaxForEachItems"] = "2" });

        var run = await harness.RunAsync(Crew());

        Assert.Equal(CrewRunStatus.Failed, run.Status);
        Assert.Contains("Task 'profile'", run.Output!.Error, StringComparison.Ordinal);
        Assert.Contains("3 items, more than the 2 allowed (DurableCrews__Execution__MaxForEachItems)", run.Output.Error, StringComparison.Ordinal);
        Assert.Single(model.Requests);
    }

    [Fact]
    public async Task A_for_each_that_gives_no_list_fails_the_task_at_once_with_the_reason()
    {
        var model = Model(Names("acme"));
        await using var harness = await EngineHarness.StartAsync(model);
        var crew = Crew().WithAgent("a", a => a with { MaxRetryLimit = 2 }).WithTask("profile", t => t with { ForEach = "explore.output" });

        var run = await harness.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Failed, run.Status);
        Assert.Equal("Task 'profile' failed: Task 'profile': for_each 'explore.output' does not give a list (at 0).", run.Output!.Error);
        Assert.Single(model.Requests);
    }

    [Fact]
    public async Task An_async_for_each_task_runs_beside_the_next_task_and_a_later_task_waits_for_all_its_items()
    {
        var model = Model(Names("a", "b"), TimeSpan.FromMilliseconds(200));
        await using var harness = await EngineHarness.StartAsync(model);
        var crew = new CrewBuilder().Agent("a")
            .Task("explore", "a", outputJson: FindingsSchema)
            .Task("profile", "a", async: true)
            .Task("side", "a", context: ["explore"], async: true)
            .Task("summary", "a", context: ["profile", "side"])
            .Build()
            .WithTask("profile", t => t with { ForEach = "explore.findings", Description = "profile {item.name}" });

        var run = await harness.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var items = model.Requests.Where(r => r.TaskLine.StartsWith("profile ", StringComparison.Ordinal)).ToList();
        var side = model.Requests.Single(r => r.TaskLine == "do side");
        var summary = model.Requests.Single(r => r.TaskLine == "do summary");
        Assert.Contains(items, i => i.StartedAt < side.FinishedAt && side.StartedAt < i.FinishedAt);
        Assert.All(items, i => Assert.True(summary.StartedAt >= i.FinishedAt));
        Assert.Equal(["profile[0]", "profile[1]", "side"], run.Output!.TasksOutput[^1].Context);
    }

    [Fact]
    public async Task In_a_hierarchical_crew_the_manager_does_each_item()
    {
        var model = Model(Names("acme", "globex"));
        await using var harness = await EngineHarness.StartAsync(model);
        var crew = Crew() with { Process = CrewProcess.Hierarchical, Agents = [.. Crew().Agents, new AgentDefinition { Name = "b", Role = "b role", Goal = "g", Backstory = "b" }] };

        var run = await harness.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(["profile[0]", "profile[1]"], run.Output!.TasksOutput.Where(t => t.Item is not null).Select(t => t.Name));
        Assert.All(run.Output.TasksOutput, t => Assert.Equal(ManagerPersona.Role, t.Agent));
        Assert.Contains(model.Requests, r => r.IsFrom(ManagerPersona.Role) && r.TaskLine == "profile globex as number 1");
    }

    /// <summary>Runs the crew, replays it from <paramref name="fromTask"/>, and gives the replay and the task lines the model was asked in it.</summary>
    static async Task<(RunView Run, IReadOnlyList<string> Asked)> RunAndReplayAsync(string fromTask)
    {
        var model = Model(Names("acme", "globex"));
        await using var harness = await EngineHarness.StartAsync(model);
        await harness.RunAsync(Crew(), runId: "first");
        int before = model.Requests.Count;

        string? replay = await harness.Engine.Runs.ReplayAsync("first", fromTask, "again");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = await harness.Engine.Runs.WaitAsync(replay!, pollInterval: TimeSpan.FromMilliseconds(25), cancellationToken: timeout.Token);
        return (run, model.Requests.Skip(before).Select(r => r.TaskLine).Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task A_replay_from_the_task_after_a_for_each_reuses_every_item_output()
    {
        var (run, asked) = await RunAndReplayAsync("summary");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(["do summary"], asked);
        Assert.Equal(["explore", "profile[0]", "profile[1]", "summary"], run.Output!.TasksOutput.Select(t => t.Name));
    }

    [Fact]
    public async Task A_replay_from_a_for_each_task_runs_its_items_again()
    {
        var (run, asked) = await RunAndReplayAsync("profile");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(["do summary", "profile acme as number 0", "profile globex as number 1"], asked);
    }

    /// <summary>research (answering <paramref name="research"/> as its JSON) → deep_dive under <paramref name="condition"/> → wrap_up.</summary>
    static (ScriptedChatClient Model, CrewDefinition Crew) Conditional(string research, string condition) => (
        new ScriptedChatClient(r => r.TaskLine == "do research" ? research : $"answer to: {r.TaskLine}"),
        new CrewBuilder().Agent("a")
            .Task("research", "a", outputJson: """{"type":"object","properties":{"count":{}}}""")
            .Task("deep_dive", "a").Task("wrap_up", "a").Build()
            .WithTask("deep_dive", t => t with { Condition = condition }));

    [Fact]
    public async Task A_false_condition_skips_the_task_with_the_reason_and_asks_no_model()
    {
        var (model, crew) = Conditional("""{"count": 2}""", "research.json.count > 3");
        await using var harness = await EngineHarness.StartAsync(model);

        var run = await harness.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal("Skipped: its condition 'research.json.count > 3' is false.", run.Output!.TasksOutput.Single(t => t.Name == "deep_dive").Skipped);
        Assert.Equal(["do research", "do wrap_up"], model.Requests.Select(r => r.TaskLine));
        Assert.Equal(["research"], run.Output.TasksOutput[^1].Context);
        Assert.DoesNotContain("deep_dive", model.Requests[^1].Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_true_condition_over_the_inputs_and_an_earlier_output_runs_the_task()
    {
        var (model, crew) = Conditional("""{"count": 5}""", "research.count > 3 && inputs.depth == 'full' && research.output.contains('5')");
        await using var harness = await EngineHarness.StartAsync(model);

        var run = await harness.RunAsync(crew, new Dictionary<string, string> { ["depth"] = "full" });

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Null(run.Output!.TasksOutput.Single(t => t.Name == "deep_dive").Skipped);
        Assert.Contains(model.Requests, r => r.TaskLine == "do deep_dive");
    }

    [Fact]
    public async Task A_condition_that_fails_to_evaluate_fails_the_task_with_the_reason()
    {
        var (model, crew) = Conditional("""{"count": "many"}""", "research.json.count > 3");
        await using var harness = await EngineHarness.StartAsync(model);

        var run = await harness.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Failed, run.Status);
        Assert.Equal("Task 'deep_dive' failed: Task 'deep_dive': '>' cannot compare a string with a int (at 20).", run.Output!.Error);
    }

    [Fact]
    public void A_plain_tasks_plan_and_work_input_record_what_they_recorded_before_for_each_and_condition()
    {
        var converter = Microsoft.DurableTask.Converters.JsonDataConverter.Default;

        string plan = converter.Serialize(new PlannedTask(1, "t", "a", [0], Async: false, MaxRetryLimit: 2, Inline: true))!;
        string work = converter.Serialize(new AgentWorkInput("r", "t1", 1, [0], Folded: true))!;
        string item = converter.Serialize(new AgentWorkInput("r", "t1/i2", 1, [0], Folded: true, Item: 2))!;
        string prepared = converter.Serialize(new PlannedTask(1, "t", "a", [0], false, 2, Prepared: true, MaxParallel: 4, Reads: [0]))!;

        Assert.Equal("""{"Index":1,"Name":"t","Agent":"a","Context":[0],"Async":false,"MaxRetryLimit":2,"MaxExecutionTime":null,"Inline":true,"NoEarlierOutput":false}""", plan);
        Assert.Equal("""{"RunId":"r","Key":"t1","TaskIndex":1,"Context":[0],"Depth":0,"ParentKey":null,"StepWebhook":null,"Folded":true,"RunETag":null,"NoEarlierOutput":false,"IsDelegation":false,"IsPlanning":false}""", work.Replace(",\"InstanceId\":\"r/t1\"", string.Empty, StringComparison.Ordinal));
        Assert.Contains("\"Item\":2", item, StringComparison.Ordinal);
        Assert.Contains("\"Prepared\":true,\"MaxParallel\":4,\"Reads\":[0]", prepared, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_run_progress_lists_each_running_item_and_an_item_run_inline_has_no_instance_of_its_own()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var model = new ScriptedChatClient(async r =>
        {
            if (r.TaskLine == "do explore")
            {
                return Answer($$"""{"findings": {{Names("acme", "globex")}}}""");
            }

            await release.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return Answer($"answer to: {r.TaskLine}");
        });
        await using var harness = await EngineHarness.StartAsync(model);
        string runId = await harness.Engine.Runs.KickoffAsync(Crew(), new DurableCrews.Api.KickoffRequest { RunId = "live-items" });

        CrewProgress? seen = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await harness.Engine.Runs.WaitAsync(runId, progress =>
        {
            if (progress.Running.Count == 2 && seen is null)
            {
                seen = progress;
                release.TrySetResult();
            }
        }, TimeSpan.FromMilliseconds(25), timeout.Token);

        Assert.NotNull(seen);
        Assert.Equal(["profile[0]", "profile[1]"], seen.Running.Select(r => r.Name));
        Assert.Equal([null, null], seen.Running.Select(r => r.InstanceId)); // each runs in the run's orchestration: no instance of its own
        Assert.Equal([new ItemProgress(1, "profile", 0, 2)], seen.Items);
    }

    /// <summary>Whether exactly <paramref name="items"/> are running, each waiting for its person (an item just answered no longer waits but is still running).</summary>
    static bool ItemsWaiting(RunView view, params string[] items) =>
        view.Progress?.Running.Select(r => r.WaitingFor == HumanReview.EventName ? r.Name : null).Order(StringComparer.Ordinal).SequenceEqual(items) == true;

    [Fact]
    public async Task Each_item_of_a_human_input_for_each_task_waits_for_its_own_event_addressed_to_its_instance()
    {
        var model = Model(Names("acme", "globex"));
        await using var harness = await EngineHarness.StartAsync(model);
        string runId = await harness.Engine.Runs.KickoffAsync(Crew().WithTask("profile", t => t with { HumanInput = true }), new KickoffRequest { RunId = "reviewed-items" });

        var waiting = await harness.WaitUntilAsync(runId, v => ItemsWaiting(v, "profile[0]", "profile[1]"));
        Assert.Equal(["reviewed-items/t1/i0", "reviewed-items/t1/i1"], waiting.Progress!.Running.Select(r => r.InstanceId).Order(StringComparer.Ordinal));
        Assert.Equal("reviewed-items/t1/i1", (await harness.Engine.Runs.RaiseEventAsync("reviewed-items/t1/i1", HumanReview.EventName, "approved")).Instance);
        await harness.WaitUntilAsync(runId, v => ItemsWaiting(v, "profile[0]"));
        Assert.Equal(RunActionResult.NotFound, (await harness.Engine.Runs.RaiseEventAsync("reviewed-items/t1/i7", HumanReview.EventName, "approved")).Result);
        Assert.Equal("reviewed-items/t1/i0", (await harness.Engine.Runs.RaiseEventAsync("reviewed-items/t1/i0", HumanReview.EventName, "approved")).Instance);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = await harness.Engine.Runs.WaitAsync(runId, pollInterval: TimeSpan.FromMilliseconds(25), cancellationToken: timeout.Token);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(["profile[0]", "profile[1]"], run.Output!.TasksOutput.Where(t => t.Waits.Any(w => w.Reason == "human-input")).Select(t => t.Name));
        Assert.True(run.Output.TasksOutput.Single(t => t.Name == "profile[1]").FinishedAt < run.Output.TasksOutput.Single(t => t.Name == "profile[0]").FinishedAt);
    }

    [Fact]
    public async Task The_run_progress_counts_the_items_done_while_a_for_each_task_runs()
    {
        var model = Model(Names("acme", "globex", "initech"));
        await using var harness = await EngineHarness.StartAsync(model);
        string runId = await harness.Engine.Runs.KickoffAsync(Crew().WithTask("profile", t => t with { HumanInput = true }), new KickoffRequest { RunId = "counted-items" });

        var before = await harness.WaitUntilAsync(runId, v => ItemsWaiting(v, "profile[0]", "profile[1]", "profile[2]"));
        await harness.Engine.Runs.RaiseEventAsync("counted-items/t1/i2", HumanReview.EventName, "approved");
        var oneDone = await harness.WaitUntilAsync(runId, v => ItemsWaiting(v, "profile[0]", "profile[1]"));
        await harness.Engine.Runs.RaiseEventAsync("counted-items/t1/i0", HumanReview.EventName, "approved");
        var twoDone = await harness.WaitUntilAsync(runId, v => ItemsWaiting(v, "profile[1]"));

        Assert.Equal([new ItemProgress(1, "profile", 0, 3)], before.Progress!.Items);
        Assert.Equal([new ItemProgress(1, "profile", 1, 3)], oneDone.Progress!.Items);
        Assert.Equal([new ItemProgress(1, "profile", 2, 3)], twoDone.Progress!.Items);
        Assert.Equal(["explore"], twoDone.Progress.Finished);
    }
}
