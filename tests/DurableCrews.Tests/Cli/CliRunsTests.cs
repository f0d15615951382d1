using DurableCrews.Cli;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace DurableCrews.Tests.Cli;

/// <summary><c>durablecrews runs list|show</c> and <c>report</c>, on runs left in the run store by earlier <c>run</c>s.</summary>
public sealed class CliRunsTests : IDisposable
{
    readonly TempFolder folder = new();
    StringWriter stdout = new();
    StringWriter stderr = new();

    public void Dispose()
    {
        folder.Dispose();
        stdout.Dispose();
        stderr.Dispose();
    }

    async Task<int> RunAsync(params string[] args)
    {
        stdout = new StringWriter();
        stderr = new StringWriter();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DurableCrews:Storage:LocalPath"] = Path.Combine(folder.Path, "storage") })
            .Build();
        return await CliApp.RunAsync(args, stdout, stderr, configuration);
    }

    [Fact]
    public async Task Runs_are_listed_shown_and_reported_after_their_process_ended()
    {
        Assert.Equal(CliApp.Completed, await RunAsync("run", Path.Combine(RepoPaths.Crews, "data-platform"), "-i", "platform=payments", "--run-id", "cli-hier"));
        Assert.Equal(CliApp.Completed, await RunAsync("run", Path.Combine(RepoPaths.Crews, "contextual-workflow"), "-i", "base_topic=x", "--run-id", "cli-seq"));

        Assert.Equal(CliApp.Completed, await RunAsync("runs", "list", "--crew", "data-platform"));
        string list = stdout.ToString();
        Assert.Contains("cli-hier", list, StringComparison.Ordinal);
        Assert.DoesNotContain("cli-seq", list, StringComparison.Ordinal);

        Assert.Equal(CliApp.Completed, await RunAsync("runs", "show", "cli-seq"));
        Assert.Contains("validation_task", stdout.ToString(), StringComparison.Ordinal);

        string html = Path.Combine(folder.Path, "report.html");
        Assert.Equal(CliApp.Completed, await RunAsync("report", "cli-hier", "--html", html));
        Assert.Contains("## Timeline", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("Data Pipeline Engineer: ", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("class=\"bar delegation\"", await File.ReadAllTextAsync(html), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reporting_a_run_that_is_not_stored_exits_2_and_says_so()
    {
        Assert.Equal(CliApp.Invalid, await RunAsync("report", "never-ran"));
        Assert.Contains("no ended run 'never-ran'", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(CliApp.Invalid, await RunAsync("runs", "show", "../../etc"));
    }

    [Fact]
    public async Task Every_command_has_help()
    {
        foreach (string[] command in new[] { new[] { "run" }, ["validate"], ["serve"], ["runs", "list"], ["runs", "show"], ["report"], ["memory", "list"] })
        {
            Assert.Equal(0, await RunAsync([.. command, "--help"]));
            Assert.Contains("Usage:", stdout.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("Description:\n\n", stdout.ToString().Replace("\r", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        }
    }
}
