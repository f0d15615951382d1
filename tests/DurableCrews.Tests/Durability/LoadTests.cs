using DurableCrews.Api;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Durability;

/// <summary>100 runs started at once on the Azure Storage backend (Azurite): every one completes, none is lost or duplicated.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class LoadTests(Azurite azurite)
{
    [Fact]
    public async Task A_hundred_runs_started_at_once_all_complete_exactly_once()
    {
        var model = new ScriptedChatClient();
        await using var harness = await EngineHarness.StartAsync(model, new Dictionary<string, string?>
        {
            ["DurableCrews:Storage:ConnectionString"] = azurite.ConnectionString,
            ["DurableCrews:Engine:TaskHub"] = $"load{Guid.NewGuid():N}"[..20],
        });
        var crew = new CrewBuilder().Agent("a").Task("first", "a").Task("second", "a").Build();

        var ids = await Task.WhenAll(Enumerable.Range(1, 100).Select(i => harness.Engine.Runs.KickoffAsync(crew, new KickoffRequest { RunId = $"load-{i:000}" })));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var runs = await Task.WhenAll(ids.Select(id => harness.Engine.Runs.WaitAsync(id, pollInterval: TimeSpan.FromMilliseconds(250), cancellationToken: timeout.Token)));

        Assert.All(runs, run => Assert.Equal(CrewRunStatus.Completed, run.Status));
        Assert.All(runs, run => Assert.Equal(["first", "second"], run.Output!.TasksOutput.Select(t => t.Name)));
        Assert.Equal(100, runs.Select(r => r.RunId).Distinct().Count());
        Assert.Equal(200, model.Requests.Count);
    }
}
