using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DurableCrews.Orchestration;
using DurableCrews.Orchestration.Flows;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Durability;

/// <summary>
/// A CrewAI-style flow looping on <c>durablecrews serve</c> over Azurite, killed with SIGKILL in the middle of an
/// iteration and started again: the loop goes on from that iteration, and no finished iteration's model call is
/// made again; the run's API shows the loop's progress and state.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FlowCrashResumeTests(Azurite azurite) : IDisposable
{
    readonly ManualResetEventSlim gate = new(false);
    readonly TempFolder folder = new();

    public void Dispose()
    {
        gate.Set();
        gate.Dispose();
        folder.Dispose();
    }

    const string LoopFlow = """
        name: rounds
        state: { round: 0 }
        steps:
          work:
            crew: crews/round.yaml
            start: true
            listen: again
            inputs: { round: "{state.round}" }
            set: { round: state.round + 1 }
            router:
              - when: state.round < 4
                emit: again
              - emit: done
          wrap_up:
            crew: crews/round.yaml
            listen: done
            inputs: { round: final }
        """;

    const string RoundCrew = """
        name: round
        agents:
          worker: { role: Worker, goal: Finish each round, backstory: Steady }
        tasks:
          round_task: { description: "Do round {round}", expected_output: The round done, agent: worker }
        """;

    static string TaskOf(StubRequest request)
    {
        using var body = JsonDocument.Parse(request.Body);
        return body.RootElement.GetProperty("messages").EnumerateArray()
            .Select(m => m.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : string.Empty)
            .FirstOrDefault(t => t.StartsWith("Current Task: ", StringComparison.Ordinal))?.Split('\n')[0]["Current Task: ".Length..] ?? string.Empty;
    }

    Dictionary<string, string> Settings(HttpStub model, string hub)
    {
        var settings = ServeSettings.OnAzurite(azurite, model, hub);
        settings["DurableCrews__Crews__FlowsPath"] = Path.Combine(folder.Path, "flows");
        return settings;
    }

    static async Task<JsonElement> GetRunAsync(ServeProcess serve, string runId)
    {
        using var http = new HttpClient { BaseAddress = serve.Address };
        return await http.GetFromJsonAsync<JsonElement>($"runs/{runId}");
    }

    static async Task<JsonElement> WaitForAsync(ServeProcess serve, string runId, Func<JsonElement, bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (true)
        {
            var run = await GetRunAsync(serve, runId);
            if (condition(run))
            {
                return run;
            }

            await Task.Delay(200, timeout.Token);
        }
    }

    static int Iterations(JsonElement run, string step) =>
        run.TryGetProperty("progress", out var progress) && progress.ValueKind == JsonValueKind.Object
        && progress.TryGetProperty("iterations", out var iterations) && iterations.ValueKind == JsonValueKind.Object
        && iterations.TryGetProperty(step, out var count) ? count.GetInt32() : 0;

    [Fact]
    public async Task A_looping_flow_killed_mid_iteration_resumes_without_repeating_a_finished_iterations_model_call()
    {
        folder.Write("flows/rounds/flow.yaml", LoopFlow);
        folder.Write("flows/rounds/crews/round.yaml", RoundCrew);
        await using var model = await HttpStub.StartAsync(request =>
        {
            if (TaskOf(request) == "Do round 2")
            {
                gate.Wait(TimeSpan.FromSeconds(60));
            }

            return (200, ChatCompletions.Text($"finished {TaskOf(request)}"), null);
        });
        string hub = $"crashloop{Guid.NewGuid():N}"[..20];
        var settings = Settings(model, hub);

        JsonElement midway;
        await using (var first = await ServeProcess.StartAsync(settings))
        {
            using var http = new HttpClient { BaseAddress = first.Address };
            var started = await http.PostAsync("flows/rounds/kickoff", new StringContent("""{"runId":"loop-crash"}""", Encoding.UTF8, "application/json"));
            Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
            midway = await WaitForAsync(first, "loop-crash", run => Iterations(run, "work") == 3 && model.Requests.Any(r => TaskOf(r) == "Do round 2"));
            await first.KillAsync();
        }

        gate.Set();
        await using var second = await ServeProcess.StartAsync(settings);
        var run = await WaitForAsync(second, "loop-crash", r => r.GetProperty("status").GetString() is not ("Pending" or "Running"));

        Assert.Equal("Completed", run.GetProperty("status").GetString());
        Assert.Equal(2, midway.GetProperty("flow").GetProperty("state").GetProperty("round").GetInt32());
        Assert.Equal(4, run.GetProperty("flow").GetProperty("state").GetProperty("round").GetInt32());
        var calls = model.Requests.Select(TaskOf).GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(1, calls["Do round 0"]);
        Assert.Equal(1, calls["Do round 1"]);
        Assert.True(calls["Do round 2"] >= 2, "round two's call was in flight at the kill and must be made again");
        Assert.Equal(1, calls["Do round 3"]);
        Assert.Equal(1, calls["Do round final"]);
    }

    /// <summary>
    /// A deploy whose flow steps differ: a loop started on version 2 (each iteration begun by an activity of its own)
    /// is cut off mid-iteration, the next start runs version 3 (an iteration's finish begins the next one), and both
    /// loops complete on the steps of their own version, repeating no finished iteration's model call.
    /// </summary>
    [Fact]
    public async Task A_loop_started_on_version_2_finishes_on_its_steps_and_a_loop_on_version_3_begins_each_next_iteration_in_the_finish()
    {
        var (oldRun, newRun) = await RunLoopsAcrossDeployAsync(OrchestrationVersions.FoldedWork, OrchestrationVersions.FoldedFlowSteps);

        string[] beginThenFinish = [nameof(BeginFlowStepActivity), nameof(FinishFlowStepActivity)];
        Assert.Equal([nameof(StartFlowActivity), .. Enumerable.Repeat(beginThenFinish, 5).SelectMany(a => a), nameof(CompleteFlowActivity)], oldRun.Activities);
        Assert.Equal([nameof(StartFlowActivity), nameof(BeginFlowStepActivity), .. Enumerable.Repeat(nameof(FinishFlowStepActivity), 5), nameof(CompleteFlowActivity)], newRun.Activities);
    }

    /// <summary>
    /// The same across the next deploy: a loop started on version 3 keeps each iteration's crew run as a
    /// sub-orchestration of its own to its end, and a loop started on version 4 runs each iteration's crew run (its
    /// task's turn) in the flow's own orchestration, with no instance of its own.
    /// </summary>
    [Fact]
    public async Task A_loop_started_on_version_3_keeps_its_crew_runs_as_sub_orchestrations_and_a_loop_on_version_4_runs_them_inline()
    {
        var (oldRun, newRun) = await RunLoopsAcrossDeployAsync(OrchestrationVersions.FoldedFlowSteps, OrchestrationVersions.InlineStepCrews);

        Assert.Equal([nameof(StartFlowActivity), nameof(BeginFlowStepActivity), .. Enumerable.Repeat(nameof(FinishFlowStepActivity), 5), nameof(CompleteFlowActivity)], oldRun.Activities);
        string[] turnThenFinish = [nameof(DurableCrews.Orchestration.AgentWork.AgentTurnActivity), nameof(FinishFlowStepActivity)];
        Assert.Equal([nameof(StartFlowActivity), nameof(BeginFlowStepActivity), .. Enumerable.Repeat(turnThenFinish, 5).SelectMany(a => a), nameof(CompleteFlowActivity)], newRun.Activities);
        var stepRuns = new[] { "work", "work.2", "work.3", "work.4", "wrap_up" };
        Assert.All(stepRuns, run => Assert.Equal(OrchestrationVersions.FoldedFlowSteps, oldRun.Children[run].Version));
        Assert.All(stepRuns, run => Assert.Null(newRun.Children[run].Version));
    }

    /// <summary>
    /// And across the one after: a loop started on version 4 finishes each iteration with an activity of its own after
    /// its crew run's turn, and a loop started on version 5, whose steps each run alone, has each turn that completes an
    /// iteration's crew run finish the step too (and begin the next iteration), so an iteration is its one turn.
    /// </summary>
    [Fact]
    public async Task A_loop_started_on_version_4_finishes_each_step_by_its_own_activity_and_a_loop_on_version_5_in_the_turn_that_completes_its_crew_run()
    {
        var (oldRun, newRun) = await RunLoopsAcrossDeployAsync(OrchestrationVersions.InlineStepCrews, OrchestrationVersions.StepFinishedWithRun);

        string[] turnThenFinish = [nameof(DurableCrews.Orchestration.AgentWork.AgentTurnActivity), nameof(FinishFlowStepActivity)];
        Assert.Equal([nameof(StartFlowActivity), nameof(BeginFlowStepActivity), .. Enumerable.Repeat(turnThenFinish, 5).SelectMany(a => a), nameof(CompleteFlowActivity)], oldRun.Activities);
        Assert.Equal([nameof(StartFlowActivity), nameof(BeginFlowStepActivity), .. Enumerable.Repeat(nameof(DurableCrews.Orchestration.AgentWork.AgentTurnActivity), 5), nameof(CompleteFlowActivity)], newRun.Activities);
    }

    /// <summary>
    /// Starts the loop on <paramref name="oldVersion"/>, kills serve while its third iteration's model call is in
    /// flight, starts serve again (new runs on <paramref name="newVersion"/>) and a second loop on it, and checks that both
    /// complete, each on its own version, with no finished iteration's model call made again.
    /// </summary>
    /// <returns>The histories of the two flow runs, each with its step runs' histories by step run (<c>work.2</c> …).</returns>
    async Task<(LoopHistory Old, LoopHistory New)> RunLoopsAcrossDeployAsync(string oldVersion, string newVersion)
    {
        folder.Write("flows/rounds/flow.yaml", LoopFlow);
        folder.Write("flows/rounds/crews/round.yaml", RoundCrew);
        bool held = false;
        await using var model = await HttpStub.StartAsync(request =>
        {
            if (TaskOf(request) == "Do round 2" && !held)
            {
                held = true;
                gate.Wait(TimeSpan.FromSeconds(60));
            }

            return (200, ChatCompletions.Text($"finished {TaskOf(request)}"), null);
        });
        string hub = $"flowvers{Guid.NewGuid():N}"[..20];
        var settings = Settings(model, hub);
        string oldRunId = $"{hub}-v{oldVersion}", newRunId = $"{hub}-v{newVersion}";

        await using (var before = await ServeProcess.StartAsync(new Dictionary<string, string>(settings) { ["DurableCrews__Versioning__StartVersion"] = oldVersion }))
        {
            using var http = new HttpClient { BaseAddress = before.Address };
            var started = await http.PostAsync("flows/rounds/kickoff", new StringContent($$"""{"runId":"{{oldRunId}}"}""", Encoding.UTF8, "application/json"));
            Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
            await WaitForAsync(before, oldRunId, run => model.Requests.Any(r => TaskOf(r) == "Do round 2"));
            await before.KillAsync();
        }

        gate.Set();
        await using var after = await ServeProcess.StartAsync(new Dictionary<string, string>(settings) { ["DurableCrews__Versioning__StartVersion"] = newVersion });
        using (var http = new HttpClient { BaseAddress = after.Address })
        {
            var started = await http.PostAsync("flows/rounds/kickoff", new StringContent($$"""{"runId":"{{newRunId}}"}""", Encoding.UTF8, "application/json"));
            Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        }

        foreach (string runId in new[] { oldRunId, newRunId })
        {
            var run = await WaitForAsync(after, runId, r => r.GetProperty("status").GetString() is not ("Pending" or "Running"));
            Assert.Equal("Completed", run.GetProperty("status").GetString());
            Assert.Equal(4, run.GetProperty("flow").GetProperty("state").GetProperty("round").GetInt32());
        }

        var histories = new List<LoopHistory>();
        foreach (string runId in new[] { oldRunId, newRunId })
        {
            var children = new Dictionary<string, TaskHubHistory>(StringComparer.Ordinal);
            foreach (string stepRun in new[] { "work", "work.2", "work.3", "work.4", "wrap_up" })
            {
                children[stepRun] = await TaskHubHistory.ReadAsync(azurite.ConnectionString, hub, $"{runId}.{stepRun}");
            }

            var flow = await TaskHubHistory.ReadAsync(azurite.ConnectionString, hub, runId);
            histories.Add(new LoopHistory(flow.Version, flow.Activities, children));
        }

        Assert.Equal((oldVersion, newVersion), (histories[0].Version, histories[1].Version));
        var calls = model.Requests.Select(TaskOf).GroupBy(t => t).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal((2, 2, 2), (calls["Do round 0"], calls["Do round 1"], calls["Do round 3"]));
        Assert.True(calls["Do round 2"] >= 3, "round two of the old loop was in flight at the kill and is made again, and the new loop makes its own");
        return (histories[0], histories[1]);
    }

    /// <summary>A flow run's history: its version, its activities in order, and its step runs' histories.</summary>
    sealed record LoopHistory(string? Version, IReadOnlyList<string> Activities, IReadOnlyDictionary<string, TaskHubHistory> Children);
}
