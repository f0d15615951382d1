using DurableCrews.Definitions;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Definitions;

/// <summary>A CrewAI project loads as it is: from its root, from its <c>config/</c> folder, or from the folder holding it.</summary>
public sealed class CrewProjectLayoutTests : IDisposable
{
    static string JobPosting => Path.Combine(AppContext.BaseDirectory, "TestData", "compat", "job-posting");

    static string Assignments => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "compat-assignments", "job-posting", "crew.yaml"));

    readonly TempFolder project = new();

    public void Dispose() => project.Dispose();

    string OnlyProblem() => Assert.Single(CrewDefinitionLoader.Load(project.Path).Problems).Message;

    string Package(string package = "job_posting")
    {
        project.Write("pyproject.toml", "[project]\nname = \"job_posting\"\n");
        foreach (string file in Directory.GetFiles(JobPosting))
        {
            project.Write(Path.Combine("src", package, "config", Path.GetFileName(file)), File.ReadAllText(file));
        }

        return Path.Combine(project.Path, "src", package);
    }

    [Fact]
    public void A_project_root_loads_with_a_crew_yaml_at_the_root_and_takes_the_package_name()
    {
        Package();
        project.Write("crew.yaml", Assignments);

        var result = CrewDefinitionLoader.Load(project.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Equal("job_posting", result.Definition!.Name);
        Assert.Equal("research_agent", result.Definition.Tasks[0].Agent);
    }

    [Fact]
    public void The_config_folder_itself_loads_with_the_crew_yaml_beside_it()
    {
        string package = Package();
        project.Write(Path.Combine("src", "job_posting", "crew.yaml"), Assignments);

        var result = CrewDefinitionLoader.Load(Path.Combine(package, "config"));

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Equal("job_posting", result.Definition!.Name);
    }

    [Fact]
    public void The_folder_holding_config_loads_and_reads_the_knowledge_folder_at_the_project_root()
    {
        string package = Package();
        project.Write(Path.Combine("src", "job_posting", "crew.yaml"), Assignments);
        project.Write(Path.Combine("knowledge", "culture.md"), "We ship.");

        var result = CrewDefinitionLoader.Load(package);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Equal("We ship.", result.Definition!.Files["knowledge/culture.md"]);
    }

    [Fact]
    public void A_project_with_two_packages_names_both_and_asks_for_one()
    {
        Package("first");
        Package("second");

        Assert.Contains("2 CrewAI packages (first, second)", OnlyProblem(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_project_without_a_config_folder_says_where_it_looked()
    {
        project.Write("pyproject.toml", "[project]\nname = \"empty\"\n");
        project.Write(Path.Combine("src", "empty", "main.py"), "print()");

        Assert.Contains("no src/<package>/config/ holds agents.yaml and tasks.yaml", OnlyProblem(), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_crew_yaml_files_for_one_crew_are_refused_by_name()
    {
        Package();
        project.Write("crew.yaml", Assignments);
        project.Write(Path.Combine("src", "job_posting", "crew.yaml"), Assignments);

        Assert.Contains("found 2 crew.yaml files", OnlyProblem(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_with_no_crew_in_any_layout_lists_the_layouts_it_tried()
    {
        project.Write("notes.txt", "nothing here");

        Assert.Contains("in config/, or in a CrewAI project's src/<package>/config/", OnlyProblem(), StringComparison.Ordinal);
    }
}
