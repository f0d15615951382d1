using System.IO.Compression;
using System.Xml.Linq;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Packaging;

/// <summary>
/// DurableCrews as its users get it: the packages from a local feed, the durablecrews tool installed from it, and the
/// dotnet new templates, with an app built against the feed and crews run by the installed tool.
/// </summary>
public sealed class PackageTests(PackagesFixture packages) : IClassFixture<PackagesFixture>
{
    static readonly TimeSpan Step = TimeSpan.FromMinutes(3);

    static Dictionary<string, string> NoLocalSettings => new() { ["DurableCrews__Storage__ConnectionString"] = string.Empty };

    static XElement Nuspec(string package)
    {
        using var zip = ZipFile.OpenRead(package);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = entry.Open();
        var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        Assert.Contains(zip.Entries, e => e.FullName == "README.md");
        return metadata;
    }

    static string? Field(XElement metadata, string name) => metadata.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    [Theory]
    [InlineData("DurableCrews", null)]
    [InlineData("DurableCrews.Cli", "DotnetTool")]
    [InlineData("DurableCrews.Templates", "Template")]
    public void Each_package_carries_the_one_version_and_complete_metadata(string id, string? packageType)
    {
        var metadata = Nuspec(packages.Package(id));

        Assert.Equal(id, Field(metadata, "id"));
        Assert.Equal(packages.Version, Field(metadata, "version"));
        Assert.StartsWith(PackagesFixture.DeclaredVersion, packages.Version, StringComparison.Ordinal);
        Assert.True(Field(metadata, "description")?.Length > 80);
        Assert.Equal("MIT", Field(metadata, "license"));
        Assert.Equal("README.md", Field(metadata, "readme"));
        Assert.Contains("crewai", Field(metadata, "tags"), StringComparison.Ordinal);
        Assert.NotNull(metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "repository")?.Attribute("url"));
        string? type = metadata.Descendants().FirstOrDefault(e => e.Name.LocalName == "packageType")?.Attribute("name")?.Value;
        Assert.Equal(packageType, type);
    }

    [Fact]
    public async Task The_installed_tool_is_durablecrews_and_runs_the_sample_crew()
    {
        string help = await PackagesFixture.MustAsync(packages.Tool, ["--help"], packages.Folder.Path, Step);
        string run = await PackagesFixture.MustAsync(packages.Tool, ["run", Path.Combine(RepoPaths.Crews, "contextual-workflow"), "--input", "base_topic=customer event streams", "--json"], packages.Folder.Path, Step, NoLocalSettings);

        Assert.Contains("durablecrews [command] [options]", help, StringComparison.Ordinal);
        Assert.DoesNotContain("DurableCrews.Cli", help, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"Completed\"", run, StringComparison.Ordinal);
        Assert.Contains(packages.Version, await PackagesFixture.MustAsync(packages.Tool, ["--version"], packages.Folder.Path, Step), StringComparison.Ordinal);
    }

    /// <summary>A new app from the template in <paramref name="folder"/>, restoring from the local feed only; its folder.</summary>
    async Task<string> NewAppAsync(string folder)
    {
        string root = Path.Combine(packages.Folder.Path, folder);
        Directory.CreateDirectory(root);
        await PackagesFixture.MustAsync("dotnet", ["new", "durablecrews-app", "-n", "Contoso.Crews", "-o", "app", "--debug:custom-hive", packages.Hive], root, Step);
        File.WriteAllText(Path.Combine(root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="durablecrews-local" value="{packages.Feed}" />
              </packageSources>
            </configuration>
            """);
        return Path.Combine(root, "app");
    }

    [Fact]
    public async Task The_app_template_builds_against_the_feed_and_the_tool_runs_its_crew()
    {
        string app = await NewAppAsync("app-test");
        string project = File.ReadAllText(Path.Combine(app, "Contoso.Crews.csproj"));
        await PackagesFixture.MustAsync("dotnet", ["build", "-c", "Release"], app, Step);
        string run = await PackagesFixture.MustAsync(packages.Tool, ["run", "crews/contextual-workflow", "--input", "base_topic=payments", "--json"], app, Step, NoLocalSettings);

        Assert.Contains($"<PackageReference Include=\"DurableCrews\" VersionOverride=\"{packages.Version}\" />", project, StringComparison.Ordinal);
        Assert.DoesNotContain("ProjectReference", project, StringComparison.Ordinal);
        foreach (string file in (string[])["host.json", "local.settings.sample.json", "azure.yaml", "infra/main.bicep", "infra/modules/functionapp.bicep", "Program.cs"])
        {
            Assert.True(File.Exists(Path.Combine(app, file)), file);
        }

        Assert.True(File.Exists(Path.Combine(app, "bin", "Release", "net10.0", "Contoso.Crews.dll")));
        Assert.Contains("\"status\": \"Completed\"", run, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_app_template_published_runs_its_crew_in_the_Functions_host()
    {
        var command = FunctionsHostInstall.FindOrSkip();
        string app = await NewAppAsync("app-host");
        string published = Path.Combine(app, "published");
        await PackagesFixture.MustAsync("dotnet", ["publish", "-c", "Release", "-o", published], app, Step);
        await using var storage = new Azurite();
        await storage.InitializeAsync();
        using var home = new TempFolder();
        var settings = DurableCrews.Tests.Functions.FunctionsHostFixture.Settings(storage, "TemplateAppHub");
        await using var host = await FunctionsHostProcess.StartAsync(command, published, Azurite.FreePort(), home.Path, settings);

        using var started = await host.PostJsonAsync("crews/contextual-workflow/kickoff?wait=120", """{"inputs":{"base_topic":"payments"},"runId":"template-app"}""");
        string body = await started.Content.ReadAsStringAsync();

        Assert.True(started.IsSuccessStatusCode, $"{(int)started.StatusCode} {body}");
        var run = await host.WaitForEndAsync("template-app");
        Assert.Equal("Completed", run.GetProperty("status").GetString());
        Assert.Equal(2, run.GetProperty("output").GetProperty("tasks_output").GetArrayLength());
    }

    [Fact]
    public async Task The_crew_template_and_create_crew_write_the_same_crew_and_it_runs()
    {
        string root = Path.Combine(packages.Folder.Path, "crew-test");
        Directory.CreateDirectory(root);
        await PackagesFixture.MustAsync("dotnet", ["new", "durablecrews-crew", "-n", "market_research", "-o", "from-template", "--debug:custom-hive", packages.Hive], root, Step);
        await PackagesFixture.MustAsync(packages.Tool, ["create", "crew", "Market Research", "-o", "from-tool"], root, Step);

        var fromTemplate = Files(Path.Combine(root, "from-template"));
        var fromTool = Files(Path.Combine(root, "from-tool"));
        string run = await PackagesFixture.MustAsync(packages.Tool, ["run", "from-tool", "--input", "topic=AI agents", "--json"], root, Step, NoLocalSettings);

        Assert.Equal(fromTemplate, fromTool);
        Assert.Contains("name: market_research", fromTool["crew.yaml"], StringComparison.Ordinal);
        Assert.Contains("\"crew\": \"market_research\"", run, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"Completed\"", run, StringComparison.Ordinal);
    }

    static SortedDictionary<string, string> Files(string folder) =>
        new(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(folder, f), File.ReadAllText), StringComparer.Ordinal);
}
