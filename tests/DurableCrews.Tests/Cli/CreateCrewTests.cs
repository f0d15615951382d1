using DurableCrews.Definitions;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Cli;

/// <summary><c>durablecrews create crew NAME</c>: a crew folder to edit, as <c>crewai create crew</c> gives, and refusals that write nothing.</summary>
public sealed class CreateCrewTests : IDisposable
{
    readonly CliHarness cli = new();

    [Fact]
    public async Task Create_crew_writes_a_valid_crew_named_as_crewai_names_it()
    {
        string folder = Path.Combine(cli.Folder.Path, "out");

        int exit = await cli.RunAsync(null, "create", "crew", "Latest AI News", "-o", folder);

        Assert.Equal(0, exit);
        var loaded = CrewDefinitionLoader.Load(folder);
        Assert.Empty(loaded.Problems);
        Assert.Equal("latest_ai_news", loaded.Definition!.Name);
        Assert.Equal(["research_task", "reporting_task"], loaded.Definition.Tasks.Select(t => t.Name));
        Assert.True(File.Exists(Path.Combine(folder, "knowledge", "user_preference.txt")));
        Assert.Contains("durablecrews run", cli.Stdout.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("-dash")]
    [InlineData("name\u0000with-nul")]
    public async Task A_name_that_cannot_name_a_crew_is_refused_and_nothing_is_written(string name)
    {
        string folder = Path.Combine(cli.Folder.Path, "out");

        int exit = await cli.RunAsync(null, "create", "crew", name, "-o", folder);

        Assert.Equal(2, exit);
        Assert.Contains("name:", cli.Stderr.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task An_existing_folder_with_files_is_left_alone()
    {
        string existing = cli.Folder.Write("taken/agents.yaml", "mine: {}");

        int exit = await cli.RunAsync(null, "create", "crew", "taken", "-o", Path.GetDirectoryName(existing)!);

        Assert.Equal(2, exit);
        Assert.Equal("mine: {}", File.ReadAllText(existing));
        Assert.Single(Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(existing)!));
    }

    public void Dispose() => cli.Dispose();
}
