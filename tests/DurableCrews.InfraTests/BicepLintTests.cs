using System.Text.Json;
using DurableCrews.InfraTests.Support;

namespace DurableCrews.InfraTests;

/// <summary>The templates compile and lint clean with the pinned Bicep CLI and the repository's lint settings.</summary>
public sealed class BicepLintTests
{
    /// <summary>Every Bicep file under infra/: the CLI reports lint findings only for the file it is given.</summary>
    public static TheoryData<string> BicepFiles => new(
        Directory.EnumerateFiles(RepositoryRoot.Combine("infra"), "*.bicep", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepositoryRoot.Path, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal));

    [Fact]
    public void Main_template_builds_without_warnings()
    {
        var build = CompiledTemplate.Build;

        Assert.True(build.ExitCode == 0, build.Output);
        Assert.DoesNotContain("Warning", build.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Error", build.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Bicep_file_has_no_lint_findings(string file)
    {
        var lint = BicepCli.Run("lint", file);

        Assert.True(lint.ExitCode == 0, lint.Output);
        Assert.Equal(string.Empty, lint.Output.Trim());
    }

    [Fact]
    public void Lint_settings_keep_every_rule_at_warning_or_error()
    {
        using var config = JsonDocument.Parse(
            File.ReadAllText(RepositoryRoot.Combine("infra", "bicepconfig.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var core = config.RootElement.GetProperty("analyzers").GetProperty("core");

        Assert.True(core.GetProperty("enabled").GetBoolean());
        var levels = core.GetProperty("rules").EnumerateObject().ToDictionary(r => r.Name, r => r.Value.GetProperty("level").GetString());
        Assert.NotEmpty(levels);
        Assert.All(levels, rule => Assert.True(rule.Value is "warning" or "error", $"{rule.Key} is '{rule.Value}'"));
    }

    [Fact]
    public void Lint_settings_report_rules_that_are_off_by_default()
    {
        // A probe beside a copy of the settings: an old API version and a literal location are findings only for
        // rules Bicep leaves off unless configured, so an empty report here would mean the settings are not read.
        var folder = Directory.CreateTempSubdirectory("durablecrews-lint-");
        try
        {
            File.Copy(RepositoryRoot.Combine("infra", "bicepconfig.json"), Path.Combine(folder.FullName, "bicepconfig.json"));
            string probe = Path.Combine(folder.FullName, "probe.bicep");
            File.WriteAllText(probe, """
                resource probe 'Microsoft.ManagedIdentity/userAssignedIdentities@2018-11-30' = {
                  name: 'probe'
                  location: 'westeurope'
                }

                """);

            var lint = BicepCli.Run("lint", probe);

            Assert.Contains("Warning use-recent-api-versions", lint.Output, StringComparison.Ordinal);
            Assert.Contains("Warning no-hardcoded-location", lint.Output, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
