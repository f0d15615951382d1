using DurableCrews.Runs;
using DurableCrews.Storage;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace DurableCrews.Tests.Orchestration;

/// <summary>
/// A task's first turn reads what it needs at once: its work, and the outputs it takes as context, each a round trip on
/// Blob Storage that used to follow the one before.
/// </summary>
public sealed class ContextReadTests
{
    [Fact]
    public async Task A_task_with_three_context_outputs_reads_them_at_once_and_gets_them_in_order()
    {
        SlowOutputReads? store = null;
        int mostAtOnceBeforeLastTask = 0;
        var model = new ScriptedChatClient(request =>
        {
            string prompt = request.Messages.Last(m => m.Role == ChatRole.User).Text;
            if (prompt.Contains("do last", StringComparison.Ordinal))
            {
                // The completion reads every output at once too: count only what the last task's begin did.
                mostAtOnceBeforeLastTask = store!.MostAtOnce;
            }

            return Task.FromResult(CrewEdits.Answer($"answer of {System.Text.RegularExpressions.Regex.Match(prompt, @"Current Task: do (\w+)").Groups[1].Value}"));
        });
        await using var harness = await EngineHarness.StartAsync(model, configureServices: services => services.AddSingleton<IBlobStore>(sp =>
            store = new SlowOutputReads(DurableCrews.Storage.StorageServiceCollectionExtensions.CreateBlobStore(
                sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value))));
        var crew = new CrewBuilder().Agent("a")
            .Task("first", "a").Task("second", "a").Task("third", "a")
            .Task("last", "a", context: ["first", "second", "third"])
            .Build();

        var run = await harness.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.True(mostAtOnceBeforeLastTask >= 3, $"at most {mostAtOnceBeforeLastTask} output reads were in flight at once before the last task's turn");
        string lastPrompt = model.Requests.Last().Messages.Last(m => m.Role == ChatRole.User).Text;
        int first = lastPrompt.IndexOf("answer of first", StringComparison.Ordinal);
        int second = lastPrompt.IndexOf("answer of second", StringComparison.Ordinal);
        int third = lastPrompt.IndexOf("answer of third", StringComparison.Ordinal);
        Assert.True(first >= 0 && first < second && second < third, lastPrompt);
        Assert.Equal("answer of last", run.Output!.Raw);
        Assert.Equal(["first", "second", "third"], run.Output!.TasksOutput[3].Context);
    }

    [Fact]
    public async Task The_run_completed_by_its_last_tasks_turn_reads_no_output_that_turn_read_or_wrote()
    {
        NotingReads? store = null;
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(_ => "fine"), configureServices: services => services.AddSingleton<IBlobStore>(sp =>
            store = new NotingReads(DurableCrews.Storage.StorageServiceCollectionExtensions.CreateBlobStore(
                sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value))));
        var crew = new CrewBuilder().Agent("a").Task("first", "a").Task("last", "a", context: ["first"]).Build();

        var run = await harness.RunAsync(crew, runId: "read-once");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(["fine", "fine"], run.Output!.TasksOutput.Select(t => t.Raw));

        // The last task's begin reads the first's output for its context; its completion of the run reads neither that
        // nor the output the turn wrote.
        Assert.Single(store!.Read, RunBlobs.TaskBlob("read-once", 0, "first"));
        Assert.DoesNotContain(RunBlobs.TaskBlob("read-once", 1, "last"), store.Read);
    }

    [Fact]
    public async Task A_context_output_that_is_gone_fails_the_task_with_its_name_and_asks_no_model()
    {
        var model = new ScriptedChatClient(_ => Task.FromResult(CrewEdits.Answer("never")));
        await using var harness = await EngineHarness.StartAsync(model);
        string runId = $"gone-{Guid.NewGuid():N}"[..20];
        var crew = new CrewBuilder().Agent("a").Task("first", "a").Task("second", "a", context: ["first"]).Build();
        await harness.Runs.SaveRunAsync(new RunRecord { RunId = runId, Definition = crew, Inputs = new Dictionary<string, string>(), CreatedAt = DateTimeOffset.UtcNow });
        var begin = ActivatorUtilities.CreateInstance<DurableCrews.Orchestration.AgentWork.BeginAgentWorkActivity>(harness.Engine.Services);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => begin.ExecuteAsync(new DurableCrews.Orchestration.AgentWork.AgentWorkInput(runId, "t1", 1, [0], NoEarlierOutput: true)));

        Assert.Contains("needs the output of 'first', which is not stored", failure.Message, StringComparison.Ordinal);
        Assert.Empty(model.Requests);
    }

    /// <summary>A blob store whose task-output reads take 150 ms, counting how many were in flight at once.</summary>
    sealed class SlowOutputReads(IBlobStore inner) : IBlobStore
    {
        int inFlight;
        int mostAtOnce;

        public int MostAtOnce => Volatile.Read(ref mostAtOnce);

        public Task<string> PutAsync(string container, string name, BinaryData content, BlobCondition? condition = null, CancellationToken cancellationToken = default) =>
            inner.PutAsync(container, name, content, condition, cancellationToken);

        public async Task<StoredBlob?> GetAsync(string container, string name, CancellationToken cancellationToken = default)
        {
            if (!name.Contains("/tasks/", StringComparison.Ordinal))
            {
                return await inner.GetAsync(container, name, cancellationToken);
            }

            int now = Interlocked.Increment(ref inFlight);
            for (int seen = Volatile.Read(ref mostAtOnce); now > seen && Interlocked.CompareExchange(ref mostAtOnce, now, seen) != seen; seen = Volatile.Read(ref mostAtOnce))
            {
            }

            try
            {
                await Task.Delay(150, cancellationToken);
                return await inner.GetAsync(container, name, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }

        public Task<string?> GetETagAsync(string container, string name, CancellationToken cancellationToken = default) => inner.GetETagAsync(container, name, cancellationToken);

        public IAsyncEnumerable<string> ListAsync(string container, string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(container, prefix, cancellationToken);

        public Task<bool> DeleteAsync(string container, string name, CancellationToken cancellationToken = default) => inner.DeleteAsync(container, name, cancellationToken);
    }
}
