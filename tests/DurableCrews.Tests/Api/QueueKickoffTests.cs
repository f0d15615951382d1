using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using DurableCrews.Api;
using DurableCrews.Cli.Serve;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace DurableCrews.Tests.Api;

/// <summary>Kickoffs from the <c>crew-kickoffs</c> queue, against a real Azurite, through serve's listener and the library's handler.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class QueueKickoffTests(Azurite azurite)
{
    async Task<EngineHarness> StartAsync() => await EngineHarness.StartAsync(new ScriptedChatClient(), new Dictionary<string, string?>
    {
        ["DurableCrews:Storage:ConnectionString"] = azurite.ConnectionString,
        ["DurableCrews:Queues:PublishResults"] = "true",
        ["DurableCrews:Crews:Path"] = RepoPaths.Crews,
        ["DurableCrews:Crews:FlowsPath"] = Path.Combine(RepoPaths.Root, "flows"),
    });

    static async Task<List<string>> DrainAsync(QueueClient queue)
    {
        var texts = new List<string>();
        await queue.CreateIfNotExistsAsync();
        while ((await queue.ReceiveMessagesAsync(32)).Value is { Length: > 0 } messages)
        {
            foreach (var message in messages)
            {
                texts.Add(message.Body.ToString());
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }

        return texts;
    }

    [Fact]
    public async Task Messages_start_runs_once_bad_ones_go_to_poison_with_the_reason_and_ends_are_published()
    {
        await using var harness = await StartAsync();
        var queues = harness.Engine.Services.GetRequiredService<CrewQueues>();
        var kickoffs = queues.Queue(QueueNames.Kickoffs);
        await kickoffs.CreateIfNotExistsAsync();
        await DrainAsync(queues.Queue(QueueNames.KickoffsPoison));
        await DrainAsync(queues.Queue(QueueNames.Results));
        string valid = """{"crew":"contextual-workflow","inputs":{"base_topic":"clicks"},"runId":"queued-1"}""";
        string[] messages =
        [
            valid,
            valid,
            Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"crew":"contextual-workflow","inputs":{"base_topic":"orders"},"runId":"queued-2"}""")),
            "{not json",
            """{"crew":"no-such-crew","inputs":{}}""",
            """{"crew":"contextual-workflow","inputs":{},"runId":"queued-3"}""",
            """{"flow":"enterprise-coordination","inputs":{"domain":"orders"},"runId":"queued-flow"}""",
        ];
        foreach (string message in messages)
        {
            await kickoffs.SendMessageAsync(message);
        }

        await using (var listener = await QueueListener.StartAsync(queues, harness.Engine.Services.GetRequiredService<KickoffMessageHandler>, new QueueOptions(), NullLogger.Instance, TimeSpan.FromMilliseconds(50)))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while ((await kickoffs.GetPropertiesAsync(timeout.Token)).Value.ApproximateMessagesCount > 0 || (await harness.Engine.Runs.GetAsync("queued-2", timeout.Token)) is not { Status: CrewRunStatus.Completed })
            {
                await Task.Delay(50, timeout.Token);
            }
        }

        Assert.Equal(CrewRunStatus.Completed, (await harness.Engine.Runs.WaitAsync("queued-1")).Status);
        Assert.Equal(CrewRunStatus.Completed, (await harness.Engine.Runs.WaitAsync("queued-flow")).Status);
        Assert.Null(await harness.Engine.Runs.GetAsync("queued-3"));
        var poison = (await DrainAsync(queues.Queue(QueueNames.KickoffsPoison))).Select(p => JsonDocument.Parse(p).RootElement.GetProperty("reason").GetString()).ToList();
        Assert.Equal(3, poison.Count);
        Assert.Contains(poison, r => r!.Contains("is not valid JSON", StringComparison.Ordinal));
        Assert.Contains(poison, r => r!.Contains("no crew named 'no-such-crew'", StringComparison.Ordinal));
        Assert.Contains(poison, r => r!.Contains("message.inputs.base_topic", StringComparison.Ordinal));

        using var results = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var published = new List<string>();
        while (!published.Contains("queued-flow") || !published.Contains("queued-2"))
        {
            published.AddRange((await DrainAsync(queues.Queue(QueueNames.Results))).Select(r => JsonDocument.Parse(r).RootElement.GetProperty("run_id").GetString()!));
            await Task.Delay(50, results.Token);
        }

        // Each ended run is published once: the crews, the flow, and the flow's four step runs.
        Assert.Equal(["queued-1", "queued-2", "queued-flow"], published.Where(id => !id.Contains('.', StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(published.Count, published.Distinct().Count());
    }

    [Theory]
    [InlineData(52)]
    [InlineData(60)]
    [InlineData(64)]
    public async Task A_quote_heavy_message_that_can_never_succeed_reaches_the_poison_queue_whatever_its_size(int kilobytes)
    {
        await using var harness = await StartAsync();
        var queues = harness.Engine.Services.GetRequiredService<CrewQueues>();
        var kickoffs = queues.Queue($"{QueueNames.Kickoffs}");
        await kickoffs.CreateIfNotExistsAsync();
        await DrainAsync(kickoffs);
        await DrainAsync(queues.Queue(QueueNames.KickoffsPoison));
        string head = """{"crew":"no-such-crew","inputs":{"text":" """;
        const string Tail = "\"}}";
        int quotes = (kilobytes * 1024 - Encoding.UTF8.GetByteCount(head) - Tail.Length) / 2;
        string message = head + string.Concat(Enumerable.Repeat("\\\"", quotes)) + Tail;
        message = message[..^Tail.Length] + new string('q', kilobytes * 1024 - Encoding.UTF8.GetByteCount(message)) + Tail;
        Assert.Equal(kilobytes * 1024, Encoding.UTF8.GetByteCount(message));
        await kickoffs.SendMessageAsync(message);

        var poison = new List<string>();
        await using (var listener = await QueueListener.StartAsync(queues, harness.Engine.Services.GetRequiredService<KickoffMessageHandler>, new QueueOptions(), NullLogger.Instance, TimeSpan.FromMilliseconds(50)))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (poison.Count == 0)
            {
                poison.AddRange(await DrainAsync(queues.Queue(QueueNames.KickoffsPoison)));
                await Task.Delay(100, timeout.Token);
            }
        }

        var entry = JsonDocument.Parse(Assert.Single(poison)).RootElement;
        Assert.Contains("no crew named", entry.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(entry.GetProperty("message_truncated").GetBoolean());
        var kept = await harness.Engine.Services.GetRequiredService<DurableCrews.Storage.IBlobStore>()
            .GetAsync(DurableCrews.Storage.BlobNames.PoisonContainer, entry.GetProperty("message_blob").GetString()!);
        Assert.Equal(message, kept!.Content.ToString());
        Assert.Equal(0, (await kickoffs.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task A_request_stored_and_never_scheduled_reads_pending_on_an_engine_that_keeps_history_and_lost_only_after_the_start_window()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(), new Dictionary<string, string?>
        {
            ["DurableCrews:Storage:ConnectionString"] = azurite.ConnectionString,
            ["DurableCrews:Engine:TaskHub"] = $"stored{Guid.NewGuid():N}"[..20],
        });
        var created = DateTimeOffset.UtcNow;
        await harness.Runs.SaveRunAsync(new RunRecord { RunId = "stored-unscheduled", Definition = new CrewBuilder().Agent("a").Task("first", "a").Build(), Inputs = new Dictionary<string, string>(), CreatedAt = created });

        var read = await harness.Engine.Runs.GetAsync("stored-unscheduled");
        var later = await StoredRuns.GetAsync(harness.Runs, "stored-unscheduled", created + StoredRuns.StartLostAfter + TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.True(harness.Runs.Starting.EngineKeepsHistory);
        Assert.Equal((CrewRunStatus.Pending, (bool?)null, (string?)null), (read!.Status, read.Interrupted, read.Error));
        Assert.Equal((CrewRunStatus.Failed, (bool?)true), (later!.Status, later.Interrupted));
        Assert.Contains("never scheduled", later.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redelivered_message_whose_run_was_stored_and_never_scheduled_starts_that_run_once()
    {
        await using var harness = await StartAsync();
        var handler = harness.Engine.Services.GetRequiredService<KickoffMessageHandler>();
        var crew = (await harness.Engine.Services.GetRequiredService<CrewLibrary>().LoadAsync("contextual-workflow"))!.Definition!;
        string runId = $"lost-start-{Guid.NewGuid():N}"[..24];

        // The first delivery stored the request and stopped before scheduling it.
        await harness.Runs.SaveRunAsync(new RunRecord { RunId = runId, Definition = DurableCrews.Definitions.CrewInputs.Interpolate(crew, new Dictionary<string, string> { ["base_topic"] = "clicks" }).Definition!, Inputs = new Dictionary<string, string> { ["base_topic"] = "clicks" }, CreatedAt = DateTimeOffset.UtcNow });
        string message = $$"""{"crew":"contextual-workflow","inputs":{"base_topic":"clicks"},"runId":"{{runId}}"}""";

        var redelivered = await handler.HandleAsync(message);
        var again = await handler.HandleAsync(message);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var ended = await harness.Engine.Runs.WaitAsync(runId, pollInterval: TimeSpan.FromMilliseconds(50), cancellationToken: timeout.Token);

        Assert.Equal((KickoffOutcomeKind.Started, KickoffOutcomeKind.Duplicate), (redelivered.Kind, again.Kind));
        Assert.Equal(CrewRunStatus.Completed, ended.Status);
    }

    [Fact]
    public void Publishing_results_without_a_queue_service_is_refused_at_start()
    {
        var validator = new QueueOptionsValidator(Options.Create(new DurableCrews.Storage.StorageOptions()));

        var result = validator.Validate(null, new QueueOptions { PublishResults = true });

        Assert.True(result.Failed);
        Assert.Contains("PublishResults needs a queue service", result.FailureMessage, StringComparison.Ordinal);
    }
}
