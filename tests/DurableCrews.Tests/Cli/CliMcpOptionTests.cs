using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Cli;

/// <summary>The CLI's <c>--mcp</c>: the operator defines a stdio MCP server for one run or validation; a crew only names it.</summary>
public sealed class CliMcpOptionTests : IDisposable
{
    readonly CliHarness cli = new();

    public void Dispose() => cli.Dispose();

    static string ToolDesk => Path.Combine(RepoPaths.Crews, "tool-desk");

    [Fact]
    public async Task A_crew_naming_an_mcp_server_nobody_defined_is_refused_with_its_path_and_nothing_runs()
    {
        int exit = await cli.RunAsync(null, "run", ToolDesk, "-i", "check_phrase=x");

        Assert.Equal(2, exit);
        Assert.Contains("tools.everything.server: no MCP server named 'everything'", cli.Stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("▶", cli.Stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("everything")]
    [InlineData("=node server.js")]
    [InlineData("bad name=node server.js")]
    [InlineData("everything=")]
    public async Task A_malformed_mcp_option_is_exit_2_with_what_it_must_be(string option)
    {
        int exit = await cli.RunAsync(null, "validate", ToolDesk, "--mcp", option);

        Assert.Equal(2, exit);
        Assert.Contains("must be NAME=COMMAND ARG…", cli.Stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_server_defined_by_mcp_the_crew_validates()
    {
        int exit = await cli.RunAsync(null, "validate", ToolDesk, "--mcp", $"everything=node {McpServerPackages.Everything}");

        Assert.Equal(0, exit);
        Assert.Contains("crew 'tool-desk' is valid", cli.Stdout.ToString(), StringComparison.Ordinal);
    }
}
