using System.Diagnostics;
using System.Text.Json;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Durability;

/// <summary>
/// <c>durablecrews serve</c> on Azurite that is stopped (SIGTERM, data kept) or frozen (SIGSTOP) for 20 s while a run's
/// work is in flight, then brought back: the run completes soon after storage returns, and no model or tool call
/// that had finished is made again.
/// </summary>
public sealed class StorageOutageTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    static readonly TimeSpan Outage = TimeSpan.FromSeconds(20);
    static readonly TimeSpan Recovery = TimeSpan.FromSeconds(30);

    readonly ManualResetEventSlim gate = new(false);
    readonly TempFolder data = new();

    /// <summary>This test's own task hub: a worker id is held machine-wide, and other test runs may share the machine.</summary>
    readonly string hub = $"outage{Guid.NewGuid():N}"[..20];

    public void Dispose()
    {
        gate.Set();
        gate.Dispose();
        data.Dispose();
    }

    static readonly string ThreeSteps = StepCrews.Sequential(3);

    Dictionary<string, string> Settings(Azurite azurite, HttpStub model)
    {
        var settings = ServeSettings.OnAzurite(azurite, model, hub);
        settings["DurableCrews__Engine__VisibilityTimeoutSeconds"] = "10";
        return settings;
    }

    /// <summary>A model that answers each task with its name, holding the answer to <paramref name="held"/> until the gate opens.</summary>
    Task<HttpStub> ModelAsync(string held) => HttpStub.StartAsync(request =>
    {
        var call = StubModelCall.Read(request);
        if (call.Task == held)
        {
            gate.Wait(TimeSpan.FromSeconds(90));
        }

        return (200, ChatCompletions.Text($"done: {call.Task}"), null);
    });

    static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    /// <summary>
    /// Starts the run, waits until <paramref name="inFlight"/> holds, takes storage away (stopped, or frozen when
    /// <paramref name="freeze"/>), opens the gate so that what was in flight finishes during the outage, brings storage
    /// back after <see cref="Outage"/>, and waits for the run's end; the run and how long after storage's return it ended.
    /// </summary>
    async Task<(JsonElement Run, TimeSpan AfterReturn)> RunThroughOutageAsync(
        Dictionary<string, string> settings, Azurite azurite, string crew, string yaml, string runId, Func<bool> inFlight, bool freeze = false)
    {
        await using var serve = await ServeProcess.StartAsync(settings);
        await serve.StartRunAsync(crew, yaml, runId);
        await WaitUntilAsync(inFlight);

        if (freeze)
        {
            azurite.Freeze();
        }
        else
        {
            await azurite.StopAsync();
        }

        gate.Set();
        await Task.Delay(Outage);
        if (freeze)
        {
            azurite.Thaw();
        }
        else
        {
            await azurite.RestartAsync();
        }

        var back = Stopwatch.StartNew();
        var run = await serve.WaitForEndAsync(runId, TimeSpan.FromSeconds(120));
        output.WriteLine($"{runId}: storage {(freeze ? "frozen" : "stopped")} for {Outage.TotalSeconds:0} s; the run ended {back.Elapsed.TotalSeconds:0.0} s after it returned");
        Assert.True(back.Elapsed <= Recovery, $"the run ended {back.Elapsed.TotalSeconds:0.0} s after storage returned: {serve.Stderr}");
        return (run, back.Elapsed);
    }

    static void AssertEachTaskCalledOnce(HttpStub model, params string[] tasks)
    {
        var calls = model.Requests.Select(StubModelCall.Read).GroupBy(c => c.Task).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(tasks, task => Assert.Equal(1, calls.GetValueOrDefault(task)));
    }

    static bool Asked(HttpStub model, string task) => model.Requests.Any(r => StubModelCall.Read(r).Task == task);

    [Theory]
    [InlineData("Do step two", false)]
    [InlineData("Do step three", false)]
    [InlineData("Do step two", true)]
    public async Task A_model_call_that_finishes_while_storage_is_out_is_not_made_again_and_the_run_completes(string heldTask, bool freeze)
    {
        // Step three is the run's last task: its turn finishes the task and completes the run while storage is out.
        await using var model = await ModelAsync(heldTask);
        await using var azurite = await Azurite.StartOnDiskAsync(data.Path);

        var (run, _) = await RunThroughOutageAsync(Settings(azurite, model), azurite, "three-steps", ThreeSteps, "outage-model", () => Asked(model, heldTask), freeze);

        Assert.Equal("Completed", run.GetProperty("status").GetString());
        AssertEachTaskCalledOnce(model, "Do step one", "Do step two", "Do step three");
        Assert.Equal("done: Do step three", run.GetProperty("output").GetProperty("tasks_output")[2].GetProperty("raw").GetString());
    }

    [Fact]
    public async Task A_tool_call_that_finishes_while_storage_is_stopped_is_not_made_again_and_the_run_completes()
    {
        await using var service = await HttpStub.StartAsync(request =>
        {
            gate.Wait(TimeSpan.FromSeconds(90));
            return (200, $$"""{"done":"{{request.Path}}"}""", null);
        });
        string crew = $$"""
            agents:
              clerk: { role: Clerk, goal: Handle tickets, backstory: Careful, tools: [notify] }
            tasks:
              only: { description: 'Use the notify tool with ticket: T-9.', expected_output: Notified, agent: clerk }
            tools:
              notify:
                kind: http
                description: Notifies about a ticket
                method: POST
                url: {{service.BaseAddress}}notify/{ticket}
                parameters: { type: object, properties: { ticket: { type: string } }, required: [ticket] }
            """;
        await using var azurite = await Azurite.StartOnDiskAsync(data.Path);
        var settings = new Dictionary<string, string>
        {
            ["DurableCrews__Storage__ConnectionString"] = azurite.ConnectionString,
            ["DurableCrews__Engine__TaskHub"] = hub,
            ["DurableCrews__Engine__WorkerId"] = $"{hub}-worker",
            ["DurableCrews__Engine__VisibilityTimeoutSeconds"] = "10",
            ["DurableCrews__Tools__AllowedHosts"] = "127.0.0.1",
        };

        var (run, _) = await RunThroughOutageAsync(settings, azurite, "tickets", crew, "outage-tool", () => service.Requests.Count > 0);

        Assert.Equal("Completed", run.GetProperty("status").GetString());
        Assert.Single(service.Requests);
        string raw = run.GetProperty("output").GetProperty("tasks_output")[0].GetProperty("raw").GetString() ?? string.Empty;
        Assert.True(raw.Contains("/notify/T-9", StringComparison.Ordinal), $"the answer does not quote the tool's result: {raw}");
    }

    [Fact]
    public async Task A_fan_out_of_four_delegations_that_finish_while_storage_is_stopped_is_not_made_again_and_the_run_completes()
    {
        string[] coworkers = ["Alpha", "Beta", "Gamma", "Delta"];
        await using var model = await HttpStub.StartAsync(request =>
        {
            var call = StubModelCall.Read(request);
            if (call.IsManager)
            {
                return (200, call.HasToolResults ? ChatCompletions.Text("the combined plan") : ChatCompletions.Delegations(coworkers), null);
            }

            gate.Wait(TimeSpan.FromSeconds(90));
            return (200, ChatCompletions.Text($"coworker answer to {call.Task}"), null);
        });
        const string Crew = """
            process: hierarchical
            agents:
              alpha: { role: Alpha, goal: Help, backstory: A }
              beta: { role: Beta, goal: Help, backstory: B }
              gamma: { role: Gamma, goal: Help, backstory: C }
              delta: { role: Delta, goal: Help, backstory: D }
            tasks:
              plan: { description: Plan the platform, expected_output: A plan }
            """;
        await using var azurite = await Azurite.StartOnDiskAsync(data.Path);

        var (run, _) = await RunThroughOutageAsync(
            Settings(azurite, model), azurite, "fan-out", Crew, "outage-fan", () => model.Requests.Count(r => !StubModelCall.Read(r).IsManager) == 4);

        Assert.Equal("Completed", run.GetProperty("status").GetString());
        var calls = model.Requests.Select(StubModelCall.Read).ToList();
        Assert.Equal(4, calls.Count(c => !c.IsManager));
        Assert.Equal(1, calls.Count(c => c.IsManager && !c.HasToolResults));
        Assert.Equal(1, calls.Count(c => c.IsManager && c.HasToolResults));
        Assert.Equal(4, run.GetProperty("output").GetProperty("tasks_output")[0].GetProperty("delegations").GetArrayLength());
    }
}
