using System.Text.RegularExpressions;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Packaging;

/// <summary>
/// The three packages packed once into a local folder feed, the tool installed from it into a temporary tool path,
/// and the templates installed into a temporary template hive (the user's own tools and templates are untouched).
/// The version is the one in Directory.Build.props with a suffix of this run, so that the NuGet cache never serves an
/// older build of the same version; this run's packages are removed from the cache at the end.
/// </summary>
public sealed partial class PackagesFixture : IAsyncLifetime
{
    static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(5);

    public TempFolder Folder { get; } = new();

    public string Feed => Path.Combine(Folder.Path, "feed");

    public string ToolPath => Path.Combine(Folder.Path, "tools");

    public string Hive => Path.Combine(Folder.Path, "hive");

    public string Tool => Path.Combine(ToolPath, "durablecrews");

    public string Version { get; private set; } = string.Empty;

    public static string DeclaredVersion { get; } = VersionElement().Match(File.ReadAllText(Path.Combine(RepoPaths.Root, "Directory.Build.props"))).Groups[1].Value;

    public async Task InitializeAsync()
    {
        Version = $"{DeclaredVersion}.t{DateTimeOffset.UtcNow:yyyyMMddHHmmss}";
        foreach (string project in (string[])["src/DurableCrews/DurableCrews.csproj", "src/DurableCrews.Cli/DurableCrews.Cli.csproj", "templates/DurableCrews.Templates.csproj"])
        {
            await MustAsync("dotnet", ["pack", project, "-c", "Release", "-o", Feed, $"-p:Version={Version}"], RepoPaths.Root, PackTimeout);
        }

        await MustAsync("dotnet", ["tool", "install", "DurableCrews.Cli", "--tool-path", ToolPath, "--add-source", Feed, "--version", Version], Folder.Path, PackTimeout);
        await MustAsync("dotnet", ["new", "install", Path.Combine(Feed, $"DurableCrews.Templates.{Version}.nupkg"), "--debug:custom-hive", Hive], Folder.Path, PackTimeout);
    }

    public string Package(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    /// <summary>Runs a command that must succeed; its output otherwise fails the test with it.</summary>
    public static async Task<string> MustAsync(string file, string[] args, string workingDirectory, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        var (exit, output) = await DotnetProcess.RunAsync(file, args, workingDirectory, timeout, environment);
        Assert.True(exit == 0, $"{file} {string.Join(' ', args)} exited {exit}:\n{output}");
        return output;
    }

    public Task DisposeAsync()
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (string id in (string[])["durablecrews", "durablecrews.cli", "durablecrews.templates"])
        {
            string cached = Path.Combine(cache, id, Version.ToLowerInvariant());
            if (Version.Length > 0 && Directory.Exists(cached))
            {
                Directory.Delete(cached, recursive: true);
            }
        }

        Folder.Dispose();
        return Task.CompletedTask;
    }

    [GeneratedRegex("<Version>([^<]+)</Version>")]
    private static partial Regex VersionElement();
}
