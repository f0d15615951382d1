using DurableCrews.Api;
using DurableCrews.Cli.Engine;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace DurableCrews.Tests.Security;

/// <summary>The embedded engine keeps no history across restarts; the runs it ran are still found in the run store.</summary>
public sealed class EmbeddedRestartTests
{
    [Fact]
    public async Task After_a_restart_ended_runs_are_read_from_the_run_store_and_in_flight_runs_say_they_were_cut_off()
    {
        using var folder = new TempFolder();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DurableCrews:Storage:LocalPath"] = folder.Path })
            .Build();
        var finished = new CrewBuilder().Agent("writer").Task("draft", "writer").Named("finished").Build();
        var waiting = new CrewBuilder().Agent("writer").Task("draft", "writer").Named("waiting").Build();
        waiting = waiting with { Tasks = [waiting.Tasks[0] with { HumanInput = true }] };

        await using (var first = await CrewEngine.StartAsync(configuration))
        {
            await first.Runs.KickoffAsync(finished, new KickoffRequest { RunId = "done-before" });
            await first.Runs.WaitAsync("done-before");
            await first.Runs.KickoffAsync(waiting, new KickoffRequest { RunId = "cut-off" });
        }

        await using var second = await CrewEngine.StartAsync(configuration);
        var done = await second.Runs.GetAsync("done-before");
        var cut = await second.Runs.GetAsync("cut-off");
        var listed = await second.Runs.ListAsync(new RunListQuery());

        Assert.Equal(CrewRunStatus.Completed, done!.Status);
        Assert.Equal("finished", done.Crew);
        Assert.NotNull(done.Output);
        Assert.Equal(CrewRunStatus.Failed, cut!.Status);
        Assert.True(cut.Interrupted);
        Assert.Contains("in flight", cut.Error);
        Assert.Equal(["cut-off", "done-before"], listed.Runs.Select(r => r.RunId).Order(StringComparer.Ordinal));
    }
}
