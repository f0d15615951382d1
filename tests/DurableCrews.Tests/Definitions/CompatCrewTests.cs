using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Definitions;

/// <summary>
/// The real CrewAI crews of <c>shared/compat/crewai-examples</c> (copied into TestData/compat so a clean clone has them):
/// each loads, or fails with problems that tell the user what to write; with a <c>crew.yaml</c> that supplies what
/// their Python code did, each loads and runs offline to completion.
/// </summary>
public sealed class CompatCrewTests
{
    static string TestData => Path.Combine(AppContext.BaseDirectory, "TestData");

    public static TheoryData<string> CompatCrews => new(Directory.GetDirectories(Path.Combine(TestData, "compat")).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal));

    public static TheoryData<string, string> Assigned
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (string name in Directory.GetDirectories(Path.Combine(TestData, "compat-assignments")).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal))
            {
                data.Add(name, name == "marketing_hierarchical" ? "marketing_strategy" : name);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(CompatCrews))]
    public void Each_compat_crew_loads_or_says_how_to_supply_what_its_Python_code_did(string crew)
    {
        var result = CrewDefinitionLoader.Load(Path.Combine(TestData, "compat", crew));

        if (!result.Succeeded)
        {
            Assert.All(result.Problems, p =>
            {
                Assert.StartsWith("tasks.", p.Path, StringComparison.Ordinal);
                Assert.Contains("crew.yaml", p.Message, StringComparison.Ordinal);
                Assert.Contains("agent:", p.Message, StringComparison.Ordinal);
            });
        }
    }

    [Fact]
    public void Compat_crews_that_assign_their_agents_in_yaml_load_as_they_are()
    {
        var result = CrewDefinitionLoader.Load(Path.Combine(TestData, "compat", "write_a_book_with_flows"));

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Equal(["topic", "goal"], CrewInputs.RequiredInputs(result.Definition!));
    }

    [Theory]
    [MemberData(nameof(Assigned))]
    public async Task With_a_crew_yaml_beside_it_each_compat_crew_runs_offline_to_completion(string assignment, string crew)
    {
        using var folder = new TempFolder();
        foreach (string file in Directory.GetFiles(Path.Combine(TestData, "compat", crew)))
        {
            File.Copy(file, Path.Combine(folder.Path, Path.GetFileName(file)));
        }

        File.Copy(Path.Combine(TestData, "compat-assignments", assignment, "crew.yaml"), Path.Combine(folder.Path, "crew.yaml"));
        var loaded = CrewDefinitionLoader.Load(folder.Path);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Problems));
        var definition = loaded.Definition!;
        var inputs = CrewInputs.RequiredInputs(definition).ToDictionary(name => name, name => $"sample {name}");
        await using var harness = await EngineHarness.StartAsync(new OfflineChatClient());

        var run = await harness.RunAsync(definition, inputs);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(definition.Tasks.Select(t => t.Name), run.Output!.TasksOutput.Select(t => t.Name));
        Assert.All(run.Output.TasksOutput, t => Assert.False(string.IsNullOrWhiteSpace(t.Raw)));
    }
}
