using DurableCrews.Orchestration;
using DurableCrews.Orchestration.AgentWork;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Durability;

/// <summary>
/// <c>durablecrews serve</c> on the Azure Storage backend (Azurite), killed with SIGKILL while a model call is in flight
/// and started again (the same build, or the next one with changed orchestrations): the run completes, and no model
/// call that had finished before the kill is made again.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CrashResumeTests(Azurite azurite) : IDisposable
{
    readonly ManualResetEventSlim gate = new(false);

    public void Dispose()
    {
        gate.Set();
        gate.Dispose();
    }

    public static readonly string FourSteps = StepCrews.Sequential(4);

    const string FanOut = """
        process: hierarchical
        agents:
          alpha: { role: Alpha, goal: Help, backstory: A }
          beta: { role: Beta, goal: Help, backstory: B }
          gamma: { role: Gamma, goal: Help, backstory: C }
        tasks:
          plan: { description: Plan the platform, expected_output: A plan }
        """;

    const string ForEach = """
        agents:
          worker: { role: Worker, goal: Finish each step, backstory: Steady }
        tasks:
          explore:
            description: Explore
            expected_output: Findings
            agent: worker
            output_json: { type: object, properties: { findings: { type: array, items: { type: string } } } }
          profile: { description: "Profile {item}", expected_output: A profile, agent: worker, for_each: explore.findings, max_parallel: 2 }
          summary: { description: Sum up, expected_output: A summary, agent: worker, context: [profile] }
        """;

    static StubModelCall Read(StubRequest request) => StubModelCall.Read(request);

    /// <summary>A model that answers each step at once, except step two, which it holds until <see cref="gate"/> opens.</summary>
    Task<HttpStub> StepTwoHeldModelAsync() => HttpStub.StartAsync(request =>
    {
        var call = Read(request);
        if (call.Task == "Do step two")
        {
            gate.Wait(TimeSpan.FromSeconds(60));
        }

        return (200, Completion($"done: {call.Task}"), null);
    });

    static string Completion(string content) => ChatCompletions.Text(content);

    Dictionary<string, string> Settings(HttpStub model, string hub) => ServeSettings.OnAzurite(azurite, model, hub);

    static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    [Fact]
    public async Task A_sequential_run_killed_during_its_second_task_resumes_without_repeating_finished_model_calls()
    {
        await using var model = await StepTwoHeldModelAsync();
        string hub = $"crashseq{Guid.NewGuid():N}"[..20];
        var settings = Settings(model, hub);

        await using (var first = await ServeProcess.StartAsync(settings))
        {
            await first.StartRunAsync("four-steps", FourSteps, "crash-seq");
            await WaitUntilAsync(() => model.Requests.Any(r => Read(r).Task == "Do step two"));
            await first.KillAsync();
        }

        gate.Set();
        await using var second = await ServeProcess.StartAsync(settings);
        var run = await second.WaitForEndAsync("crash-seq", TimeSpan.FromSeconds(120));

        Assert.Equal("Completed", run.GetProperty("status").GetString());
        var outputs = run.GetProperty("output").GetProperty("tasks_output").EnumerateArray().Select(t => t.GetProperty("raw").GetString()).ToList();
        Assert.Equal(["done: Do step one", "done: Do step two", "done: Do step three", "done: Do step four"], outputs);
        var calls = model.Requests.Select(Read).GroupBy(c => c.Task).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(1, calls["Do step one"]);
        Assert.True(calls["Do step two"] >= 2, "step two's call was in flight at the kill and must be made again");
        Assert.Equal(1, calls["Do step three"]);
        Assert.Equal(1, calls["Do step four"]);
    }

    [Fact]
    public async Task A_run_killed_in_the_middle_of_a_for_each_resumes_without_repeating_a_finished_items_model_call()
    {
        await using var model = await HttpStub.StartAsync(request =>
        {
            var call = Read(request);
            if (call.Task is "Profile c" or "Profile d")
            {
                gate.Wait(TimeSpan.FromSeconds(60));
            }

            return (200, Completion(call.Task == "Explore" ? """{"findings": ["a", "b", "c", "d"]}""" : $"done: {call.Task}"), null);
        });
        string hub = $"crashfor{Guid.NewGuid():N}"[..20];
        var settings = Settings(model, hub);

        await using (var first = await ServeProcess.StartAsync(settings))
        {
            await first.StartRunAsync("for-each", ForEach, "crash-for-each");

            // Two at a time: c and d start only once a and b have finished.
            await WaitUntilAsync(() => model.Requests.Select(Read).Count(r => r.Task is "Profile c" or "Profile d") == 2);
            await first.KillAsync();
        }

        gate.Set();
        await using var second = await ServeProcess.StartAsync(settings);
        var run = await second.WaitForEndAsync("crash-for-each", TimeSpan.FromSeconds(120));

        Assert.Equal("Completed", run.GetProperty("status").GetString());
        var outputs = run.GetProperty("output").GetProperty("tasks_output").EnumerateArray().Select(t => (t.GetProperty("name").GetString(), t.GetProperty("raw").GetString())).ToList();
        Assert.Equal(
            [("profile[0]", "done: Profile a"), ("profile[1]", "done: Profile b"), ("profile[2]", "done: Profile c"), ("profile[3]", "done: Profile d"), ("summary", "done: Sum up")],
            outputs.Skip(1));
        var calls = model.Requests.Select(Read).GroupBy(c => c.Task).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(1, calls["Explore"]);
        Assert.Equal(1, calls["Profile a"]);
        Assert.Equal(1, calls["Profile b"]);
        Assert.True(calls["Profile c"] >= 2 && calls["Profile d"] >= 2, "the calls in flight at the kill must be made again");
        Assert.Equal(1, calls["Sum up"]);
    }

    [Fact]
    public async Task A_hierarchical_run_killed_during_its_fan_out_resumes_without_asking_the_manager_again()
    {
        await using var model = await HttpStub.StartAsync(request =>
        {
            var call = Read(request);
            if (call.System.StartsWith("You are Crew Manager.", StringComparison.Ordinal))
            {
                return (200, call.HasToolResults ? Completion("the combined plan") : ChatCompletions.Delegations("Alpha", "Beta", "Gamma"), null);
            }

            gate.Wait(TimeSpan.FromSeconds(60));
            return (200, Completion($"coworker answer to {call.Task}"), null);
        });
        string hub = $"crashfan{Guid.NewGuid():N}"[..20];
        var settings = Settings(model, hub);
        static bool IsCoworker(StubRequest r) => !Read(r).System.StartsWith("You are Crew Manager.", StringComparison.Ordinal);

        await using (var first = await ServeProcess.StartAsync(settings))
        {
            await first.StartRunAsync("fan-out", FanOut, "crash-fan");
            await WaitUntilAsync(() => model.Requests.Count(IsCoworker) == 3);
            await first.KillAsync();
        }

        gate.Set();
        await using var second = await ServeProcess.StartAsync(settings);
        var run = await second.WaitForEndAsync("crash-fan", TimeSpan.FromSeconds(120));

        Assert.Equal("Completed", run.GetProperty("status").GetString());
        var task = run.GetProperty("output").GetProperty("tasks_output")[0];
        Assert.Equal("the combined plan", task.GetProperty("raw").GetString());
        Assert.Equal(3, task.GetProperty("delegations").GetArrayLength());
        var managerCalls = model.Requests.Where(r => !IsCoworker(r)).Select(Read).ToList();
        Assert.Equal(1, managerCalls.Count(c => !c.HasToolResults));
        Assert.Equal(1, managerCalls.Count(c => c.HasToolResults));
        Assert.True(model.Requests.Count(IsCoworker) >= 6, "the three coworker calls in flight at the kill must be made again");
    }

    [Fact]
    public async Task Serve_killed_while_a_tool_runs_resumes_without_repeating_the_tool_call_that_had_finished()
    {
        // Two tools on a counting service: 'record' finishes before the kill, 'notify' is in flight at the kill.
        await using var service = await HttpStub.StartAsync(request =>
        {
            if (request.Path.StartsWith("/notify", StringComparison.Ordinal))
            {
                gate.Wait(TimeSpan.FromSeconds(60));
            }

            return (200, $$"""{"done":"{{request.Path}}"}""", null);
        });
        string tool(string name) => $$"""
              {{name}}:
                kind: http
                description: Sends {{name}} for a ticket
                method: POST
                url: {{service.BaseAddress}}{{name}}/{ticket}
                parameters: { type: object, properties: { ticket: { type: string } }, required: [ticket] }
            """;
        string crew = $$"""
            agents:
              clerk: { role: Clerk, goal: Handle tickets, backstory: Careful, tools: [record, notify] }
            tasks:
              first: { description: 'Use the record tool with ticket: T-1.', expected_output: Recorded, agent: clerk }
              second: { description: 'Use the notify tool with ticket: T-1.', expected_output: Notified, agent: clerk }
            tools:
            {{tool("record")}}
            {{tool("notify")}}
            """;
        string hub = $"crashtool{Guid.NewGuid():N}"[..20];
        var settings = new Dictionary<string, string>
        {
            ["DurableCrews__Storage__ConnectionString"] = azurite.ConnectionString,
            ["DurableCrews__Engine__TaskHub"] = hub,
            ["DurableCrews__Engine__WorkerId"] = $"{hub}-worker",
            ["DurableCrews__Engine__VisibilityTimeoutSeconds"] = "5",
            ["DurableCrews__Tools__AllowedHosts"] = "127.0.0.1",
        };

        await using (var first = await ServeProcess.StartAsync(settings))
        {
            await first.StartRunAsync("tickets", crew, "crash-tool");
            await WaitUntilAsync(() => service.Requests.Any(r => r.Path == "/notify/T-1"));
            await first.KillAsync();
        }

        gate.Set();
        await using var second = await ServeProcess.StartAsync(settings);
        var run = await second.WaitForEndAsync("crash-tool", TimeSpan.FromSeconds(120));

        Assert.Equal("Completed", run.GetProperty("status").GetString());
        var calls = service.Requests.GroupBy(r => r.Path).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(1, calls["/record/T-1"]);
        Assert.True(calls["/notify/T-1"] >= 2, "the notify call was in flight at the kill and must be made again");
        var tasks = run.GetProperty("output").GetProperty("tasks_output");
        Assert.Contains("/notify/T-1", tasks[1].GetProperty("raw").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, tasks[1].GetProperty("tool_calls").GetArrayLength());
    }

    [Fact]
    public async Task Serve_killed_after_a_tool_call_finished_does_not_make_it_again()
    {
        // The model asks for the tool; the kill comes while the model is asked again with the tool's result.
        await using var service = await HttpStub.StartAsync(request => (200, """{"recorded":true}""", null));
        await using var model = await HttpStub.StartAsync(request =>
        {
            if (!Read(request).HasToolResults)
            {
                return (200, ChatCompletions.ToolCalls(("record", new { ticket = "T-2" })), null);
            }

            gate.Wait(TimeSpan.FromSeconds(60));
            return (200, Completion("recorded T-2"), null);
        });
        string crew = $$"""
            agents:
              clerk: { role: Clerk, goal: Handle tickets, backstory: Careful, tools: [record] }
            tasks:
              only: { description: Record ticket T-2, expected_output: Recorded, agent: clerk }
            tools:
              record:
                kind: http
                description: Records a ticket
                method: POST
                url: {{service.BaseAddress}}record/{ticket}
                parameters: { type: object, properties: { ticket: { type: string } }, required: [ticket] }
            """;
        string hub = $"crashdone{Guid.NewGuid():N}"[..20];
        var settings = Settings(model, hub);
        settings["DurableCrews__Tools__AllowedHosts"] = "127.0.0.1";

        await using (var first = await ServeProcess.StartAsync(settings))
        {
            await first.StartRunAsync("record", crew, "crash-done");
            await WaitUntilAsync(() => model.Requests.Any(r => Read(r).HasToolResults));
            await first.KillAsync();
        }

        gate.Set();
        await using var second = await ServeProcess.StartAsync(settings);
        var run = await second.WaitForEndAsync("crash-done", TimeSpan.FromSeconds(120));

        Assert.Equal("Completed", run.GetProperty("status").GetString());
        Assert.Single(service.Requests);
        Assert.True(model.Requests.Count(r => Read(r).HasToolResults) >= 2, "the model call in flight at the kill must be made again");
        Assert.Equal(1, model.Requests.Count(r => !Read(r).HasToolResults));
        Assert.Equal("recorded T-2", run.GetProperty("output").GetProperty("tasks_output")[0].GetProperty("raw").GetString());
    }

    [Fact]
    public async Task A_model_call_longer_than_the_visibility_timeout_is_made_once()
    {
        // The visibility timeout is 5 s; the first call takes 12 s. Without renewal its activity would be delivered again.
        await using var model = await HttpStub.StartAsync(request =>
        {
            var call = Read(request);
            if (call.Task == "Do step one")
            {
                Thread.Sleep(TimeSpan.FromSeconds(12));
            }

            return (200, Completion($"done: {call.Task}"), null);
        });
        string hub = $"renew{Guid.NewGuid():N}"[..20];

        await using var serve = await ServeProcess.StartAsync(Settings(model, hub));
        await serve.StartRunAsync("four-steps", FourSteps, "long-call");
        var run = await serve.WaitForEndAsync("long-call", TimeSpan.FromSeconds(120));

        Assert.Equal("Completed", run.GetProperty("status").GetString());
        var calls = model.Requests.Select(Read).GroupBy(c => c.Task).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(1, calls["Do step one"]);
        Assert.All(calls.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task Serve_stopped_with_sigterm_during_a_model_call_exits_0_and_the_run_resumes_on_the_next_start()
    {
        await using var model = await StepTwoHeldModelAsync();
        string hub = $"sigterm{Guid.NewGuid():N}"[..20];
        var settings = Settings(model, hub);
        settings["DurableCrews__Serve__DrainSeconds"] = "1";

        await using (var first = await ServeProcess.StartAsync(settings))
        {
            await first.StartRunAsync("four-steps", FourSteps, "stopped-run");
            await WaitUntilAsync(() => model.Requests.Any(r => Read(r).Task == "Do step two"));

            var (exitCode, elapsed) = await first.SignalAsync(System.Runtime.InteropServices.PosixSignal.SIGTERM, TimeSpan.FromSeconds(10));

            Assert.True(exitCode == 0, $"exit {exitCode?.ToString() ?? "none"} after {elapsed}: {first.Stderr}");
            Assert.Contains("unfinished work resumes when serve starts again", first.Stderr);
        }

        gate.Set();
        await using var second = await ServeProcess.StartAsync(settings);
        var run = await second.WaitForEndAsync("stopped-run", TimeSpan.FromSeconds(120));

        Assert.Equal("Completed", run.GetProperty("status").GetString());
        var calls = model.Requests.Select(Read).GroupBy(c => c.Task).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(1, calls["Do step one"]);
        Assert.Equal(1, calls["Do step three"]);
    }

    /// <summary>
    /// A deploy whose orchestrations differ: runs started on version 1 (each task's work finished by an activity of its
    /// own, the run completed by another) are cut off mid-run, the next start runs version 2 (work and run finished in the
    /// last turn), and every run completes on the steps of the version it started on, repeating no finished model call.
    /// </summary>
    [Fact]
    public async Task Runs_started_on_version_1_finish_on_their_steps_after_a_start_on_version_2_whose_steps_differ()
    {
        await using var model = await StepTwoHeldModelAsync();
        string hub = $"versions{Guid.NewGuid():N}"[..20];
        var settings = Settings(model, hub);

        await using (var before = await ServeProcess.StartAsync(new Dictionary<string, string>(settings) { ["DurableCrews__Versioning__StartVersion"] = OrchestrationVersions.SeparateBeginAndFinish }))
        {
            await before.StartRunAsync("four-steps", FourSteps, "on-version-1");
            await WaitUntilAsync(() => model.Requests.Any(r => Read(r).Task == "Do step two"));
            await before.KillAsync();
        }

        gate.Set();
        await using var after = await ServeProcess.StartAsync(settings);
        await after.StartRunAsync("four-steps", FourSteps, "on-version-2");

        Assert.Equal("Completed", (await after.WaitForEndAsync("on-version-1", TimeSpan.FromSeconds(120))).GetProperty("status").GetString());
        Assert.Equal("Completed", (await after.WaitForEndAsync("on-version-2", TimeSpan.FromSeconds(120))).GetProperty("status").GetString());
        var oldRun = await TaskHubHistory.ReadAsync(azurite.ConnectionString, hub, "on-version-1");
        var newRun = await TaskHubHistory.ReadAsync(azurite.ConnectionString, hub, "on-version-2");
        Assert.Equal((OrchestrationVersions.SeparateBeginAndFinish, OrchestrationVersions.Current), (oldRun.Version, newRun.Version));
        string[] turnThenFinish = [nameof(AgentTurnActivity), nameof(FinishAgentWorkActivity)];
        Assert.Equal([.. Enumerable.Repeat(turnThenFinish, 4).SelectMany(a => a), nameof(CompleteRunActivity)], oldRun.Activities);
        Assert.Equal(Enumerable.Repeat(nameof(AgentTurnActivity), 4), newRun.Activities);
        var calls = model.Requests.Select(Read).GroupBy(c => c.Task).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal((2, 2, 2), (calls["Do step one"], calls["Do step three"], calls["Do step four"]));
    }
    /// <summary>
    /// A deploy that runs a <c>for_each</c> task's items in the run's orchestration: a run started on version 5 (each item
    /// the sub-orchestration <c>{runId}/t1/i{k}</c>) is cut off while two items are in flight and finishes on its items'
    /// instances; a run started on version 6 runs each item as its own work inline, with no instance of its own, and
    /// neither repeats a finished item's model call.
    /// </summary>
    [Fact]
    public async Task A_for_each_run_started_on_version_5_keeps_its_item_instances_and_a_run_on_version_6_runs_its_items_inline()
    {
        var held = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        await using var model = await HttpStub.StartAsync(request =>
        {
            var call = Read(request);
            if (call.Task is "Profile c" or "Profile d" && held.TryAdd(call.Task, true))
            {
                gate.Wait(TimeSpan.FromSeconds(60));
            }

            return (200, Completion(call.Task == "Explore" ? """{"findings": ["a", "b", "c", "d"]}""" : $"done: {call.Task}"), null);
        });
        string hub = $"itemvers{Guid.NewGuid():N}"[..20];
        var settings = Settings(model, hub);

        await using (var before = await ServeProcess.StartAsync(new Dictionary<string, string>(settings) { ["DurableCrews__Versioning__StartVersion"] = OrchestrationVersions.StepFinishedWithRun }))
        {
            await before.StartRunAsync("for-each", ForEach, "items-on-version-5");
            await WaitUntilAsync(() => model.Requests.Select(Read).Count(r => r.Task is "Profile c" or "Profile d") == 2);
            await before.KillAsync();
        }

        gate.Set();
        await using var after = await ServeProcess.StartAsync(settings);
        await after.StartRunAsync("for-each", ForEach, "items-on-version-6");

        foreach (string run in new[] { "items-on-version-5", "items-on-version-6" })
        {
            var ended = await after.WaitForEndAsync(run, TimeSpan.FromSeconds(120));
            Assert.Equal("Completed", ended.GetProperty("status").GetString());
            Assert.Equal(
                ["done: Profile a", "done: Profile b", "done: Profile c", "done: Profile d", "done: Sum up"],
                ended.GetProperty("output").GetProperty("tasks_output").EnumerateArray().Skip(1).Select(t => t.GetProperty("raw").GetString()));
        }

        var oldRun = await TaskHubHistory.ReadAsync(azurite.ConnectionString, hub, "items-on-version-5");
        var newRun = await TaskHubHistory.ReadAsync(azurite.ConnectionString, hub, "items-on-version-6");
        Assert.Equal((OrchestrationVersions.StepFinishedWithRun, OrchestrationVersions.Current), (oldRun.Version, newRun.Version));
        Assert.Equal([nameof(AgentTurnActivity), nameof(PrepareTaskActivity), nameof(AgentTurnActivity)], oldRun.Activities);
        Assert.Equal([nameof(AgentTurnActivity), nameof(PrepareTaskActivity), .. Enumerable.Repeat(nameof(AgentTurnActivity), 5)], newRun.Activities);
        var oldItem = await TaskHubHistory.ReadAsync(azurite.ConnectionString, hub, "items-on-version-5/t1/i3");
        var newItem = await TaskHubHistory.ReadAsync(azurite.ConnectionString, hub, "items-on-version-6/t1/i3");
        Assert.Equal(OrchestrationVersions.StepFinishedWithRun, oldItem.Version);
        Assert.Equal([nameof(AgentTurnActivity)], oldItem.Activities);
        Assert.Null(newItem.Version);
        Assert.Empty(newItem.Activities);

        // Each run: Explore once, each item once (c and d again in the run cut off while they were in flight), Sum up once.
        var calls = model.Requests.Select(Read).GroupBy(c => c.Task).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal((2, 2, 2, 2), (calls["Explore"], calls["Profile a"], calls["Profile b"], calls["Sum up"]));
        Assert.True(calls["Profile c"] >= 3 && calls["Profile d"] >= 3, "the calls in flight at the kill must be made again");
    }
}
