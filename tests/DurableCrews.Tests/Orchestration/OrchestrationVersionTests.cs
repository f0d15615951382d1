using System.Text.Json;
using DurableCrews.Orchestration;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Orchestration;

/// <summary>The app's orchestration version: named once in code, the same in host.json, and only known versions start runs.</summary>
public sealed class OrchestrationVersionTests
{
    /// <summary>Unversioned runs, then every version, oldest first.</summary>
    static readonly string[] Versions = [string.Empty, .. OrchestrationVersions.All];

    [Fact]
    public void Host_json_starts_and_matches_orchestrations_on_the_current_version_and_leaves_newer_ones_alone()
    {
        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")));
        var durable = hostJson.RootElement.GetProperty("extensions").GetProperty("durableTask");

        Assert.Equal(OrchestrationVersions.Current, durable.GetProperty("defaultVersion").GetString());
        Assert.Equal("CurrentOrOlder", durable.GetProperty("versionMatchStrategy").GetString());
        Assert.Equal("Reject", durable.GetProperty("versionFailureStrategy").GetString());
        Assert.Equal(OrchestrationVersions.Current, OrchestrationVersions.All[^1]);
    }

    [Theory]
    [InlineData("7")]
    [InlineData("")]
    [InlineData("v2")]
    public void A_start_version_this_build_does_not_run_is_refused(string version)
    {
        var result = new VersioningOptionsValidator().Validate(null, new VersioningOptions { StartVersion = version });

        Assert.True(result.Failed);
        Assert.Contains("DurableCrews:Versioning:StartVersion must be one of 1, 2, 3, 4, 5, 6", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Runs_recorded_before_versions_and_version_2_fold_agent_work_and_version_1_does_not()
    {
        Assert.Equal([true, true, false], new[] { string.Empty, OrchestrationVersions.FoldedWork, OrchestrationVersions.SeparateBeginAndFinish }.Select(OrchestrationVersions.FoldsWork));
    }

    [Fact]
    public void Only_flows_of_version_4_and_later_run_a_steps_crew_inline()
    {
        Assert.Equal(
            [false, false, false, false, true, true, true],
            Versions.Select(OrchestrationVersions.RunsStepCrewsInline));
    }

    [Fact]
    public void Only_flows_of_version_5_and_later_finish_a_step_with_its_crew_runs_completion()
    {
        Assert.Equal(
            [false, false, false, false, false, true, true],
            Versions.Select(OrchestrationVersions.FinishesStepsWithRuns));
    }

    [Fact]
    public void Only_crew_runs_of_version_6_and_later_run_for_each_items_inline()
    {
        Assert.Equal([false, false, false, false, false, false, true], Versions.Select(OrchestrationVersions.RunsItemsInline));
    }
}
