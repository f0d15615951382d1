using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Durability;

/// <summary>
/// Scale-out on one machine: several <c>durablecrews serve</c> processes on one Azurite task hub, each with its own
/// worker id (chosen for it when none is configured), share the runs; one killed with SIGKILL mid-load loses none.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class ScaleOutTests(Azurite azurite)
{
    /// <summary>How long after the model's answer the answer may still be unrecorded when the worker is killed.</summary>
    static readonly TimeSpan RecordedWithin = TimeSpan.FromSeconds(3);

    const int Runs = 60;

    const string TwoSteps = """
        agents:
          worker:
            role: Worker
            goal: Finish each step
            backstory: Steady
        tasks:
          step_one:
            description: Do step one of ticket {ticket}
            expected_output: Step one done
            agent: worker
          step_two:
            description: Do step two of ticket {ticket}
            expected_output: Step two done
            agent: worker
        """;

    [Fact]
    public async Task Three_serve_processes_share_sixty_runs_and_one_killed_mid_load_loses_none_and_repeats_no_finished_call()
    {
        var answered = new ConcurrentQueue<(string Task, DateTimeOffset At)>();
        await using var model = await HttpStub.StartAsync(request =>
        {
            string task = TaskLine().Match(request.Body) is { Success: true } m ? m.Groups[1].Value : "?";
            Thread.Sleep(100);
            answered.Enqueue((task, DateTimeOffset.UtcNow));
            return (200, ChatCompletions.Text($"done: {task}"), null);
        });
        string hub = $"scale{Guid.NewGuid():N}"[..20];
        var settings = new Dictionary<string, string>
        {
            ["DurableCrews__Storage__ConnectionString"] = azurite.ConnectionString,
            ["DurableCrews__Engine__TaskHub"] = hub,
            ["DurableCrews__Engine__VisibilityTimeoutSeconds"] = "5",

            // A few activities per worker at a time, as a worker's capacity: with the default (100) whichever worker
            // polls first can take every queued step, and a worker that started a moment later may get none.
            ["DurableCrews__Engine__MaxConcurrentActivities"] = "4",
            ["DurableCrews__Model__Provider"] = "openai-compatible",
            ["DurableCrews__Model__Endpoint"] = new Uri(model.BaseAddress, "v1/").ToString(),
            ["DurableCrews__Model__Name"] = "stub",
        };

        var serves = new List<ServeProcess>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                serves.Add(await ServeProcess.StartAsync(settings));
            }

            // No worker id configured: each process got its own, the first the machine's name.
            Assert.Equal(3, serves.Select(s => s.WorkerId).Distinct().Count());
            Assert.Equal(Environment.MachineName, serves[0].WorkerId);
            var taken = await Assert.ThrowsAsync<InvalidOperationException>(() => ServeProcess.StartAsync(new Dictionary<string, string>(settings) { ["DurableCrews__Engine__WorkerId"] = serves[1].WorkerId! }));
            Assert.Contains($"Another process on this machine works task hub '{hub}' as worker '{serves[1].WorkerId}'", taken.Message, StringComparison.Ordinal);

            var clients = serves.Select(s => new HttpClient { BaseAddress = s.Address }).ToList();
            var stored = await clients[0].PutAsync("crews/two-steps", new StringContent(TwoSteps, Encoding.UTF8, "application/yaml"));
            Assert.True(stored.IsSuccessStatusCode, await stored.Content.ReadAsStringAsync());
            for (int i = 0; i < Runs; i++)
            {
                var started = await clients[i % 3].PostAsync("crews/two-steps/kickoff", new StringContent($$$"""{"run_id":"scale-{{{i}}}","inputs":{"ticket":"T{{{i}}}"}}""", Encoding.UTF8, "application/json"));
                Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
            }

            await WaitForAsync(async () => await CompletedAsync(clients[0]) >= Runs / 3, TimeSpan.FromSeconds(120));
            await serves[2].KillAsync();
            var killedAt = DateTimeOffset.UtcNow;

            await WaitForAsync(async () => await CompletedAsync(clients[0]) == Runs, TimeSpan.FromSeconds(180));

            // Every run completed with both steps; a step's model call was made twice only when it was in flight at the kill.
            // In flight means not yet recorded: an answer is recorded after the activity's blob write and completion,
            // which on two loaded cores (the Functions host tests run beside this one) was seen to take over a second.
            for (int i = 0; i < Runs; i++)
            {
                var run = await clients[i % 2].GetFromJsonAsync<JsonElement>($"runs/scale-{i}");
                Assert.Equal("Completed", run.GetProperty("status").GetString());
                Assert.Equal([$"done: Do step one of ticket T{i}", $"done: Do step two of ticket T{i}"],
                    run.GetProperty("output").GetProperty("tasks_output").EnumerateArray().Select(t => t.GetProperty("raw").GetString()));
            }

            var calls = answered.GroupBy(a => a.Task).ToDictionary(g => g.Key, g => g.OrderBy(a => a.At).ToList());
            Assert.Equal(Runs * 2, calls.Count);
            foreach (var (task, answers) in calls.Where(c => c.Value.Count > 1))
            {
                Assert.True(answers.Count == 2 && answers[0].At > killedAt - RecordedWithin, $"'{task}' was answered at {string.Join(", ", answers.Select(a => a.At.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture)))}, kill at {killedAt:HH:mm:ss.fff}: a finished call was made again");
            }

            // The two that lived report their share of the work when they stop; both did some.
            foreach (var serve in serves.Take(2))
            {
                var (exit, _) = await serve.SignalAsync(System.Runtime.InteropServices.PosixSignal.SIGTERM, TimeSpan.FromSeconds(30));
                Assert.Equal(0, exit);
                var done = WorkDone().Match(serve.Stderr);
                Assert.True(done.Success, serve.Stderr);
                Assert.Equal(serve.WorkerId, done.Groups[1].Value);
                Assert.True(int.Parse(done.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, serve.Stderr);
            }
        }
        finally
        {
            foreach (var serve in serves)
            {
                await serve.DisposeAsync();
            }
        }
    }

    static async Task<int> CompletedAsync(HttpClient client)
    {
        var page = await client.GetFromJsonAsync<JsonElement>("runs?crew=two-steps&status=Completed&page_size=100");
        return page.GetProperty("runs").GetArrayLength();
    }

    static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        while (!await condition())
        {
            await Task.Delay(250, timeout.Token);
        }
    }

    [GeneratedRegex(@"Current Task: (Do step \w+ of ticket T\d+)")]
    private static partial Regex TaskLine();

    [GeneratedRegex(@"worker '([^']+)' completed (\d+) activities and (\d+) orchestration steps")]
    private static partial Regex WorkDone();
}
