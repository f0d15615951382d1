using DurableCrews.Agents;
using DurableCrews.Definitions;
using DurableCrews.Runs;
using DurableCrews.Storage;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Storage;

/// <summary>What the run store keeps between reads: a run's request by ETag, and works staged within one activity.</summary>
public sealed class RunStoreTests : IDisposable
{
    readonly TempFolder folder = new();
    readonly RunStore runs;

    public RunStoreTests() => runs = new RunStore(new LocalBlobStore(folder.Path));

    public void Dispose() => folder.Dispose();

    static RunRecord Run(string runId, CrewDefinition crew) => new() { RunId = runId, Definition = crew, Inputs = new Dictionary<string, string>(), CreatedAt = DateTimeOffset.UnixEpoch };

    [Fact]
    public async Task A_run_id_started_again_after_its_run_was_deleted_reads_the_new_request_not_the_remembered_one()
    {
        await runs.SaveRunAsync(Run("reused", new CrewBuilder().Agent("a").Task("first", "a").Build()));
        Assert.Equal("first", (await runs.RequireRunAsync("reused")).Definition.Tasks.Single().Name);

        await runs.DeleteRunAsync("reused");
        await runs.SaveRunAsync(Run("reused", new CrewBuilder().Agent("a").Task("second-and-longer", "a").Build()));

        Assert.Equal("second-and-longer", (await runs.RequireRunAsync("reused")).Definition.Tasks.Single().Name);
    }

    [Fact]
    public async Task A_request_remembered_with_the_ETag_the_plan_gave_is_used_without_asking_the_store()
    {
        var blobs = new LocalBlobStore(folder.Path);
        var store = new RunStore(blobs);
        await store.SaveRunAsync(Run("known", new CrewBuilder().Agent("a").Task("first", "a").Build()));
        var (_, etag) = await store.RequireRunVersionAsync("known");
        await blobs.DeleteAsync(BlobNames.RunsContainer, RunBlobs.RunBlob("known"));

        using (store.ReadRunsOnce("known", etag))
        {
            Assert.Equal("first", (await store.RequireRunAsync("known")).Definition.Tasks.Single().Name);
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.RequireRunAsync("known"));
    }

    [Fact]
    public async Task A_staged_work_is_written_only_when_the_activity_saves_what_is_staged()
    {
        var work = new AgentWorkState { RunId = "staged", Key = "t0", Kind = "task", Agent = "a role", Model = "offline", Messages = Conversation.Save([]), StartedAt = DateTimeOffset.UnixEpoch };
        using (runs.ReadRunsOnce())
        {
            await runs.StageWorkAsync(work);
            Assert.NotNull(await runs.GetWorkAsync("staged", "t0"));
            using (runs.ReadRunsOnce())
            {
                Assert.Null(await runs.GetWorkAsync("staged", "t0"));
            }

            await runs.SaveStagedWorksAsync();
        }

        Assert.Equal("a role", (await runs.GetWorkAsync("staged", "t0"))!.Agent);
    }

    [Fact]
    public async Task A_work_staged_and_not_saved_is_lost_with_its_activity()
    {
        using (runs.ReadRunsOnce())
        {
            await runs.StageWorkAsync(new AgentWorkState { RunId = "lost", Key = "t0", Kind = "task", Agent = "a role", Model = "offline", Messages = Conversation.Save([]), StartedAt = DateTimeOffset.UnixEpoch });
        }

        Assert.Null(await runs.GetWorkAsync("lost", "t0"));
    }

    [Fact]
    public async Task A_run_stored_and_not_yet_handed_to_the_engine_reads_pending_and_once_the_start_is_over_cut_off()
    {
        await using var harness = await EngineHarness.StartAsync();
        await harness.Runs.SaveRunAsync(Run("starting", new CrewBuilder().Agent("a").Task("first", "a").Build()));

        DurableCrews.Api.RunView? whileStarting;
        using (harness.Runs.Starting.Begin("starting"))
        {
            whileStarting = await harness.Engine.Runs.GetAsync("starting");
        }

        var afterwards = await harness.Engine.Runs.GetAsync("starting");

        Assert.Equal(CrewRunStatus.Pending, whileStarting!.Status);
        Assert.Null(whileStarting.Error);
        Assert.Equal((CrewRunStatus.Failed, (bool?)true), (afterwards!.Status, afterwards.Interrupted));
        Assert.False(harness.Runs.Starting.IsStarting("starting"));
    }

    [Fact]
    public async Task A_for_each_list_read_under_its_runs_ETag_is_read_once_and_a_run_started_again_reads_its_own()
    {
        static TaskOutput Listing(string item) => new() { Name = "profile", Index = 1, Description = "d", Agent = "a", Raw = string.Empty, Items = [System.Text.Json.JsonSerializer.SerializeToElement(item)] };
        var blobs = new LocalBlobStore(folder.Path);
        var store = new RunStore(blobs);
        await store.SaveTaskOutputAsync("listed", Listing("first"));
        using (store.ReadRunsOnce("listed", "request-1"))
        {
            await store.GetItemListAsync("listed", 1, "profile");
        }

        await store.SaveTaskOutputAsync("listed", Listing("second"));

        using (store.ReadRunsOnce("listed", "request-1"))
        {
            Assert.Equal("first", (await store.GetItemListAsync("listed", 1, "profile"))!.Items![0].GetString());
        }

        using (store.ReadRunsOnce("listed", "request-2"))
        {
            Assert.Equal("second", (await store.GetItemListAsync("listed", 1, "profile"))!.Items![0].GetString());
        }
    }
}
