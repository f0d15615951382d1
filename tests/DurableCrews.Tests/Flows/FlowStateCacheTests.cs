using System.Text.Json.Nodes;
using DurableCrews.Api;
using DurableCrews.Definitions;
using DurableCrews.Orchestration;
using DurableCrews.Orchestration.Flows;
using DurableCrews.Runs;
using DurableCrews.Storage;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.Options;

namespace DurableCrews.Tests.Flows;

/// <summary>
/// A step's finish keeps the flow's request and the state it wrote on its worker (<see cref="FlowStateCache"/>): the
/// next finish there reads neither back, and one whose state another writer changed since reads both again.
/// </summary>
public sealed class FlowStateCacheTests : IDisposable
{
    const string Loop = """
        state: { round: 0 }
        steps:
          work: { crew: work, start: true, listen: again, max_iterations: 10, set: { round: state.round + STEP }, router: [{ when: state.round < 10, emit: again }] }
        """;

    readonly TempFolder folder = new();
    readonly NotingReads blobs;

    public FlowStateCacheTests() => blobs = new NotingReads(new LocalBlobStore(folder.Path));

    public void Dispose() => folder.Dispose();

    /// <summary>A finish as one worker runs it: its own run store and its own kept states.</summary>
    FinishFlowStepActivity Worker()
    {
        var runs = new RunStore(blobs);
        var begin = new BeginFlowStepActivity(runs, Options.Create(new ExecutionOptions()), Options.Create(new QueueOptions()), TimeProvider.System);
        return new FinishFlowStepActivity(runs, begin, new FlowStateCache(), TimeProvider.System);
    }

    async Task StartAsync(string runId, int step = 1)
    {
        var crew = new CrewBuilder().Agent("a").Task("work", "a").Build() with { Name = "work" };
        string yaml = Loop.Replace("STEP", step.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var loaded = FlowDefinitionLoader.Parse(yaml, "loop", "flow.yaml", name => name == "work" ? new CrewLoadResult { Definition = crew } : null);
        Assert.True(loaded.Succeeded, string.Join("; ", loaded.Problems.Select(p => $"{p.Path}: {p.Message}")));
        await new RunStore(blobs).SaveFlowAsync(new FlowRunRecord { RunId = runId, Flow = loaded.Definition!, CreatedAt = DateTimeOffset.UnixEpoch });
    }

    static FlowStepOrder Finish(string runId, int iteration) => new()
    {
        RunId = runId,
        Step = "work",
        Iteration = iteration,
        State = new JsonObject { ["round"] = iteration - 1 },
        Iterations = new Dictionary<string, int> { ["work"] = iteration },
        Finished = new FlowStepRecord { Step = "work", Iteration = iteration },
    };

    async Task<IReadOnlyList<int>> HistoryAsync(string runId) =>
        (await new RunStore(blobs).GetFlowStateAsync(runId))!.History.Select(r => r.Iteration).ToList();

    [Fact]
    public async Task A_finish_after_another_workers_finish_of_the_flow_keeps_what_that_worker_wrote()
    {
        await StartAsync("two-workers");
        var first = Worker();
        var second = Worker();

        await first.ExecuteAsync(Finish("two-workers", 1));
        await second.ExecuteAsync(Finish("two-workers", 2));
        await first.ExecuteAsync(Finish("two-workers", 3));

        Assert.Equal([1, 2, 3], await HistoryAsync("two-workers"));
    }

    [Fact]
    public async Task A_run_deleted_and_started_again_under_its_id_is_finished_on_its_new_request_not_the_kept_one()
    {
        await StartAsync("reused", step: 1);
        var worker = Worker();
        await worker.ExecuteAsync(Finish("reused", 1));
        await new RunStore(blobs).DeleteRunAsync("reused");
        await StartAsync("reused", step: 100);

        var end = await worker.ExecuteAsync(Finish("reused", 1));

        Assert.Equal("100", end.State["round"]!.ToJsonString());
    }

    [Fact]
    public async Task A_finish_after_the_flows_last_finish_on_the_same_worker_reads_neither_its_request_nor_its_state()
    {
        await StartAsync("same-worker");
        var worker = Worker();
        await worker.ExecuteAsync(Finish("same-worker", 1));
        blobs.Read.Clear();

        await worker.ExecuteAsync(Finish("same-worker", 2));

        Assert.DoesNotContain(RunBlobs.FlowBlob("same-worker"), blobs.Read);
        Assert.DoesNotContain(RunBlobs.FlowStateBlob("same-worker"), blobs.Read);
        Assert.Equal([1, 2], await HistoryAsync("same-worker"));
    }
}
