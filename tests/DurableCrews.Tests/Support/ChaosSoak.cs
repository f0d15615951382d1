using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DurableCrews.Tests.Support;

/// <summary>
/// A chaos soak on this machine only (loopback): three <c>durablecrews serve</c> processes on one Azurite task hub, a
/// steady stream of two-task runs with a tool and hierarchical runs with two delegations, and every
/// <see cref="ChaosSoakOptions.FaultEvery"/> one fault drawn at random (seeded; each kind once in every four faults): a
/// worker SIGKILLed and started again, Azurite stopped for a while, the model server answering 429 or 500, the tool
/// server gone. Bounded in time: runs
/// are started for <see cref="ChaosSoakOptions.Duration"/>, then each is awaited for at most
/// <see cref="ChaosSoakOptions.Settle"/>. Used by <c>bench -- chaos</c> (5 minutes) and a shortened test.
/// </summary>
public sealed class ChaosSoak
{
    readonly ChaosSoakOptions options;
    readonly Random random;
    readonly ConcurrentDictionary<string, int> modelAnswers = new();
    readonly ConcurrentDictionary<string, int> toolAnswers = new();
    readonly ConcurrentQueue<(string Key, DateTime At)> repeats = new();
    readonly ConcurrentDictionary<string, DateTime> firstAnswers = new();
    readonly List<(string Kind, DateTime Start, DateTime End)> faults = [];
    readonly List<DateTime> kills = [];
    readonly List<int> bag = [];
    volatile int modelFault;
    DateTime modelFaultUntil;

    ChaosSoak(ChaosSoakOptions options)
    {
        this.options = options;
        random = new Random(options.Seed);
    }

    /// <summary>Runs the soak and reports what happened.</summary>
    public static Task<ChaosSoakReport> RunAsync(ChaosSoakOptions options, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ChaosSoak(options).RunAsync(log ?? TextWriter.Null);
    }

    async Task<ChaosSoakReport> RunAsync(TextWriter log)
    {
        using var data = new TempFolder();
        await using var azurite = await Azurite.StartOnDiskAsync(data.Path);
        await using var model = await HttpStub.StartAsync(AnswerModel);
        int toolPort = Azurite.FreePort();
        var tool = await HttpStub.StartAsync(AnswerTool, toolPort);
        var servers = new ServeProcess?[3];
        // A hub of its own: worker ids are held machine-wide, and other runs may share the machine.
        string hub = $"chaos{Guid.NewGuid():N}"[..20];
        var settings = Enumerable.Range(0, servers.Length).Select(i => new Dictionary<string, string>
        {
            ["DurableCrews__Storage__ConnectionString"] = azurite.ConnectionString,
            ["DurableCrews__Engine__TaskHub"] = hub,
            ["DurableCrews__Engine__WorkerId"] = $"{hub}-{i}",
            ["DurableCrews__Engine__VisibilityTimeoutSeconds"] = "10",
            ["DurableCrews__Model__Provider"] = "openai-compatible",
            ["DurableCrews__Model__Endpoint"] = new Uri(model.BaseAddress, "v1/").ToString(),
            ["DurableCrews__Model__Name"] = "stub",
            ["DurableCrews__Tools__AllowedHosts"] = "127.0.0.1",
        }).ToArray();
        try
        {
            for (int i = 0; i < servers.Length; i++)
            {
                servers[i] = await ServeProcess.StartAsync(settings[i]);
            }

            await servers[0]!.StoreCrewAsync("chaos-tool", ToolCrew(toolPort));
            await servers[0]!.StoreCrewAsync("chaos-team", TeamCrew);

            var runs = new ConcurrentDictionary<string, DateTime>();
            var clock = Stopwatch.StartNew();
            var nextFault = options.FaultEvery;
            int started = 0, refused = 0;
            while (clock.Elapsed < options.Duration)
            {
                int number = started + refused;
                string runId = $"chaos-{number:D4}";
                var serve = servers[random.Next(servers.Length)];
                if (serve is not null && await serve.TryStartRunAsync(number % 2 == 0 ? "chaos-tool" : "chaos-team", runId, new { ticket = runId }))
                {
                    runs[runId] = DateTime.UtcNow;
                    started++;
                }
                else
                {
                    refused++;
                }

                if (clock.Elapsed >= nextFault)
                {
                    nextFault += options.FaultEvery;
                    tool = await InjectFaultAsync(servers, settings, azurite, tool, toolPort, log);
                }

                await Task.Delay(options.StartEvery);
            }

            // Every run is awaited on a server that is up, each for what is left of the settle time.
            var live = servers.First(s => s is not null)!;
            var settleBy = DateTime.UtcNow + options.Settle;
            var ended = new Dictionary<string, (string Status, string? Error, DateTime At)>();
            foreach (var (runId, _) in runs.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                var left = settleBy - DateTime.UtcNow;
                try
                {
                    var run = await live.WaitForEndAsync(runId, left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1));
                    ended[runId] = (run.GetProperty("status").GetString()!, run.TryGetProperty("error", out var error) ? error.GetString() : null, DateTime.UtcNow);
                }
                catch (TimeoutException)
                {
                    ended[runId] = ("Stuck", "had not ended when the soak stopped waiting", DateTime.UtcNow);
                }
            }

            return Report(started, refused, runs, ended);
        }
        finally
        {
            foreach (var serve in servers)
            {
                if (serve is not null)
                {
                    await serve.DisposeAsync();
                }
            }

            await tool.DisposeAsync();
        }
    }

    /// <summary>One fault, drawn at random, held for its time and then cleared; the tool server as it now is.</summary>
    async Task<HttpStub> InjectFaultAsync(ServeProcess?[] servers, Dictionary<string, string>[] settings, Azurite azurite, HttpStub tool, int toolPort, TextWriter log)
    {
        var start = DateTime.UtcNow;
        if (bag.Count == 0)
        {
            bag.AddRange(Enumerable.Range(0, 4).OrderBy(_ => random.Next()));
        }

        int drawn = bag[^1];
        bag.RemoveAt(bag.Count - 1);
        string kind;
        switch (drawn)
        {
            case 0:
                int victim = random.Next(servers.Length);
                kind = $"serve {victim} killed";
                lock (kills)
                {
                    kills.Add(start);
                }

                await servers[victim]!.KillAsync();
                await servers[victim]!.DisposeAsync();
                servers[victim] = null;
                servers[victim] = await ServeProcess.StartAsync(settings[victim]);
                break;
            case 1:
                kind = "storage stopped";
                await azurite.StopAsync();
                await Task.Delay(options.FaultLength);
                await azurite.RestartAsync();
                break;
            case 2:
                kind = random.Next(2) == 0 ? "model 429" : "model 500";
                modelFaultUntil = DateTime.UtcNow + options.FaultLength;
                modelFault = kind.EndsWith("429", StringComparison.Ordinal) ? 429 : 500;
                await Task.Delay(options.FaultLength);
                modelFault = 0;
                break;
            default:
                kind = "tool server down";
                await tool.DisposeAsync();
                await Task.Delay(options.FaultLength);
                tool = await HttpStub.StartAsync(AnswerTool, toolPort);
                break;
        }

        lock (faults)
        {
            faults.Add((kind, start, DateTime.UtcNow));
        }

        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"fault: {kind} at {start:HH:mm:ss}, {(DateTime.UtcNow - start).TotalSeconds:0.0} s"));
        return tool;
    }

    (int, string, IDictionary<string, string>?) AnswerModel(StubRequest request)
    {
        if (modelFault is int status and > 0 && DateTime.UtcNow < modelFaultUntil)
        {
            return (status, """{"error":{"message":"chaos"}}""", status == 429 ? new Dictionary<string, string> { ["Retry-After"] = "1" } : null);
        }

        Thread.Sleep(options.ModelLatency);
        var call = StubModelCall.Read(request);
        string answer = call switch
        {
            { IsManager: true, HasToolResults: false } => ChatCompletions.ToolCalls(new[] { "Alpha", "Beta" }
                .Select(c => ("delegate_work", (object)new { task = $"{call.Task}: the part for {c}", context = call.Task, coworker = c })).ToArray()),
            { HasToolResults: false } when call.Task.StartsWith("Record ticket ", StringComparison.Ordinal) =>
                ChatCompletions.ToolCalls(("record", new { ticket = call.Task["Record ticket ".Length..] })),
            _ => ChatCompletions.Text($"done: {call.Task}"),
        };
        Count(modelAnswers, $"model {Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(request.Body)))[..16]} ({call.Task})");
        return (200, answer, null);
    }

    (int, string, IDictionary<string, string>?) AnswerTool(StubRequest request)
    {
        Count(toolAnswers, $"tool {request.Path}");
        return (200, $$"""{"recorded":"{{request.Path}}"}""", null);
    }

    void Count(ConcurrentDictionary<string, int> answers, string key)
    {
        if (answers.AddOrUpdate(key, 1, (_, n) => n + 1) > 1)
        {
            repeats.Enqueue((key, DateTime.UtcNow));
        }
        else
        {
            firstAnswers[key] = DateTime.UtcNow;
        }
    }

    ChaosSoakReport Report(int started, int refused, ConcurrentDictionary<string, DateTime> runs, Dictionary<string, (string Status, string? Error, DateTime At)> ended)
    {
        List<(string Kind, DateTime Start, DateTime End)> seen;
        lock (faults)
        {
            seen = [.. faults];
        }

        // A call answered just before a worker was killed, or while it was dying, may never have been recorded: made
        // again, it had not finished. Every other repeat is a finished call made twice.
        List<DateTime> killed;
        lock (kills)
        {
            killed = [.. kills];
        }

        var repeated = repeats
            .Where(r => !killed.Any(k => firstAnswers[r.Key] >= k - TimeSpan.FromSeconds(5) && firstAnswers[r.Key] <= k + options.ModelLatency + TimeSpan.FromSeconds(1)))
            .Select(r => r.Key).Distinct().ToList();
        var waits = ended.Where(e => e.Value.Status is "Completed" or "Failed")
            .Select(e => seen.Where(f => f.End >= runs[e.Key] && f.End <= e.Value.At).Select(f => e.Value.At - f.End).DefaultIfEmpty(TimeSpan.Zero).Min())
            .DefaultIfEmpty(TimeSpan.Zero).Max();
        return new ChaosSoakReport
        {
            Started = started,
            RefusedKickoffs = refused,
            Completed = ended.Count(e => e.Value.Status == "Completed"),
            Failed = ended.Where(e => e.Value.Status != "Completed" && e.Value.Status != "Stuck").Select(e => $"{e.Key}: {e.Value.Status}: {e.Value.Error}").ToList(),
            Stuck = ended.Where(e => e.Value.Status == "Stuck").Select(e => e.Key).ToList(),
            Faults = seen.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Kind} ({(f.End - f.Start).TotalSeconds:0.0} s)")).ToList(),
            LongestWaitAfterLastFault = waits,
            RepeatedFinishedCalls = repeated,
            ModelCalls = modelAnswers.Values.Sum(),
            ToolCalls = toolAnswers.Values.Sum(),
        };
    }

    static string ToolCrew(int toolPort) => $$"""
        agents:
          clerk: { role: Clerk, goal: Handle tickets, backstory: Careful, tools: [record] }
        tasks:
          record: { description: 'Record ticket {ticket}', expected_output: Recorded, agent: clerk }
          summary: { description: 'Summarize ticket {ticket}', expected_output: A summary, agent: clerk }
        tools:
          record:
            kind: http
            description: Records a ticket
            method: POST
            url: http://127.0.0.1:{{toolPort}}/record/{ticket}
            retries: 3
            retry_delay: 2
            parameters: { type: object, properties: { ticket: { type: string } }, required: [ticket] }
        """;

    const string TeamCrew = """
        process: hierarchical
        agents:
          alpha: { role: Alpha, goal: Help, backstory: A }
          beta: { role: Beta, goal: Help, backstory: B }
        tasks:
          plan: { description: 'Plan ticket {ticket}', expected_output: A plan }
        """;
}
