using DurableCrews.Runs;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Execution;

/// <summary>
/// <c>max_rpm</c> measured where it matters: by when requests reach a model server over HTTP, across parallel branches,
/// in memory and on the Azure Storage backend (where dispatching an activity takes a varying few hundred milliseconds,
/// so a slot reserved before dispatch would not hold at the server).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RateLimitWireTests(Azurite azurite)
{
    [Fact]
    public Task Max_rpm_holds_at_the_model_server_across_parallel_tasks() => AssertPacedAsync(null);

    [Fact]
    public Task Max_rpm_holds_at_the_model_server_on_the_azure_storage_backend() =>
        AssertPacedAsync(new Dictionary<string, string?>
        {
            ["DurableCrews:Storage:ConnectionString"] = azurite.ConnectionString,
            ["DurableCrews:Engine:TaskHub"] = $"rpm{Guid.NewGuid():N}"[..16],
            ["DurableCrews:Engine:WorkerId"] = $"rpm-{Guid.NewGuid():N}",
        });

    static async Task AssertPacedAsync(IDictionary<string, string?>? backend)
    {
        const int limit = 2;
        var window = TimeSpan.FromSeconds(2);
        await using var model = await HttpStub.StartAsync(_ => (200, ChatCompletions.Text("done"), null));
        var settings = new Dictionary<string, string?>(backend ?? new Dictionary<string, string?>())
        {
            ["DurableCrews:Model:Provider"] = "openai-compatible",
            ["DurableCrews:Model:Endpoint"] = new Uri(model.BaseAddress, "v1/").ToString(),
            ["DurableCrews:Model:Name"] = "stub",
            ["DurableCrews:Execution:RateLimitWindowSeconds"] = "2",
        };
        await using var harness = await EngineHarness.StartAsync(settings: settings);
        var crew = new CrewBuilder().Agent("a")
            .Task("one", "a", context: [], async: true).Task("two", "a", context: [], async: true)
            .Task("three", "a", context: [], async: true).Task("four", "a", context: [], async: true)
            .Task("five", "a", context: [])
            .Build() with { MaxRpm = limit };

        var run = await harness.RunAsync(crew, runId: $"wire-paced-{Guid.NewGuid():N}");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var arrivals = model.Requests.Select(r => r.ArrivedAt).Order().ToList();
        Assert.Equal(5, arrivals.Count);

        // Any limit + 1 consecutive arrivals span the whole window (a few milliseconds pass between slot and send).
        for (int i = 0; i + limit < arrivals.Count; i++)
        {
            var span = arrivals[i + limit] - arrivals[i];
            Assert.True(span >= window - TimeSpan.FromMilliseconds(100), $"requests {i + 1} to {i + limit + 1} arrived within {span.TotalMilliseconds:0} ms");
        }

        Assert.Contains(run.Output!.TasksOutput.SelectMany(t => t.Waits), w => w.Reason == "rate-limit");
    }
}
