using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Definitions;

/// <summary>Every sample in crews/ (the seed's crews) validates and runs offline to completion.</summary>
public sealed class SampleCrewTests
{
    public static TheoryData<string> Samples => new(Directory.GetDirectories(RepoPaths.Crews).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Each_sample_crew_runs_offline_to_completion(string name)
    {
        var loaded = CrewDefinitionLoader.Load(Path.Combine(RepoPaths.Crews, name));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Problems));
        var crew = loaded.Definition!;
        var inputs = CrewInputs.RequiredInputs(crew).ToDictionary(input => input, input => $"sample-{input}");
        // A little simulated latency, so that parallel delegations overlap however busy the machine is.
        // The MCP server a sample names is defined in settings, as an operator would.
        var servers = crew.Tools.Where(t => t.Server is not null)
            .SelectMany(t => McpServerPackages.Stdio(t.Server!, McpServerPackages.Everything))
            .ToDictionary(s => s.Key, s => s.Value);
        // So are the settings its tools read ({setting:NAME}); nothing is sent to those services offline.
        foreach (var setting in crew.Tools.SelectMany(t => t.Headers.Values).SelectMany(v => System.Text.RegularExpressions.Regex.Matches(v, @"\{setting:([A-Za-z0-9_]+)\}")).Select(m => m.Groups[1].Value))
        {
            servers[setting] = "sample";
        }

        await using var harness = await EngineHarness.StartAsync(new OfflineChatClient(TimeSpan.FromMilliseconds(100)), servers);

        var run = await harness.RunAsync(crew, inputs);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        // A for_each task is shown as its items (name[0], name[1] …), at least one each offline.
        Assert.Equal(crew.Tasks.Select(t => t.Name), run.Output!.TasksOutput.Select(t => t.Item is null ? t.Name : t.Name[..t.Name.LastIndexOf('[')]).Distinct());
        Assert.All(run.Output.TasksOutput, t => Assert.Null(t.Skipped));
        Assert.All(run.Output.TasksOutput.SelectMany(t => t.ToolCalls), call => Assert.Null(call.Error));
        if (crew.Process == CrewProcess.Hierarchical)
        {
            var delegations = run.Output.TasksOutput[0].Delegations;
            Assert.True(delegations.Count >= 2, $"the manager delegated {delegations.Count} time(s)");
            Assert.True(delegations[0].StartedAt < delegations[1].FinishedAt && delegations[1].StartedAt < delegations[0].FinishedAt, "the delegations did not overlap");
        }
    }
}
