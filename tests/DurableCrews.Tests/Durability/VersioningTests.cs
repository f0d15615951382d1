using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DurableCrews.Orchestration;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Durability;

/// <summary>
/// A deploy whose orchestrations differ, on <c>durablecrews serve</c> over Azure Storage (Azurite): runs started on
/// version 1 (each task's work finished by an activity of its own, the run completed by another) are cut off mid-run, the
/// next start runs version 2 (work and run finished in the last turn), and every run completes, each with the steps of the
/// version it started on, without repeating a model call that had finished.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class VersioningTests(Azurite azurite) : IDisposable
{
    readonly ManualResetEventSlim gate = new(false);

    public void Dispose()
    {
        gate.Set();
        gate.Dispose();
    }

    Dictionary<string, string> Settings(HttpStub model, string hub) => new()
    {
        ["DurableCrews__Storage__ConnectionString"] = azurite.ConnectionString,
        ["DurableCrews__Engine__TaskHub"] = hub,
        ["DurableCrews__Engine__WorkerId"] = $"{hub}-worker",
        ["DurableCrews__Engine__VisibilityTimeoutSeconds"] = "5",
        ["DurableCrews__Model__Provider"] = "openai-compatible",
        ["DurableCrews__Model__Endpoint"] = new Uri(model.BaseAddress, "v1/").ToString(),
        ["DurableCrews__Model__Name"] = "stub",
    };

    static async Task StartRunAsync(HttpClient http, string runId)
    {
        using var started = await http.PostAsync("crews/four-steps/kickoff", new StringContent($$"""{"runId":"{{runId}}"}""", Encoding.UTF8, "application/json"));
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
    }

    static async Task<string?> WaitForEndAsync(HttpClient http, string runId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (true)
        {
            var run = await http.GetFromJsonAsync<JsonElement>($"runs/{runId}", timeout.Token);
            if (run.GetProperty("status").GetString() is not ("Pending" or "Running"))
            {
                return run.GetProperty("status").GetString();
            }

            await Task.Delay(200, timeout.Token);
        }
    }

    [Fact]
    public async Task Runs_started_on_version_1_finish_on_their_steps_after_a_start_on_version_2_whose_steps_differ()
    {
        await using var model = await HttpStub.StartAsync(request =>
        {
            var call = StubModelCall.Read(request);
            if (call.Task == "Do step two")
            {
                gate.Wait(TimeSpan.FromSeconds(60));
            }

            return (200, ChatCompletions.Text($"done: {call.Task}"), null);
        });
        string hub = $"versions{Guid.NewGuid():N}"[..20];
        var settings = Settings(model, hub);

        await using (var before = await ServeProcess.StartAsync(new Dictionary<string, string>(settings) { ["DurableCrews__Versioning__StartVersion"] = OrchestrationVersions.SeparateBeginAndFinish }))
        {
            using var http = new HttpClient { BaseAddress = before.Address };
            using (var stored = await http.PutAsync("crews/four-steps", new StringContent(CrashResumeTests.FourSteps, Encoding.UTF8, "application/yaml")))
            {
                Assert.True(stored.IsSuccessStatusCode, await stored.Content.ReadAsStringAsync());
            }

            await StartRunAsync(http, "on-version-1");
            using var inFlight = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (!model.Requests.Any(r => StubModelCall.Read(r).Task == "Do step two"))
            {
                await Task.Delay(50, inFlight.Token);
            }

            await before.KillAsync();
        }

        gate.Set();
        await using var after = await ServeProcess.StartAsync(settings);
        using (var http = new HttpClient { BaseAddress = after.Address })
        {
            await StartRunAsync(http, "on-version-2");
            Assert.Equal("Completed", await WaitForEndAsync(http, "on-version-1"));
            Assert.Equal("Completed", await WaitForEndAsync(http, "on-version-2"));
        }

        var oldRun = await TaskHubHistory.ReadAsync(azurite.ConnectionString, hub, "on-version-1");
        var newRun = await TaskHubHistory.ReadAsync(azurite.ConnectionString, hub, "on-version-2");
        Assert.Equal((OrchestrationVersions.SeparateBeginAndFinish, OrchestrationVersions.Current), (oldRun.Version, newRun.Version));
        string[] turnThenFinish = [nameof(AgentTurnActivity), nameof(FinishAgentWorkActivity)];
        Assert.Equal([.. Enumerable.Repeat(turnThenFinish, 4).SelectMany(a => a), nameof(CompleteRunActivity)], oldRun.Activities);
        Assert.Equal(Enumerable.Repeat(nameof(AgentTurnActivity), 4), newRun.Activities);
        var calls = model.Requests.Select(StubModelCall.Read).GroupBy(c => c.Task).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal((2, 2, 2), (calls["Do step one"], calls["Do step three"], calls["Do step four"]));
    }
}
