using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Cli;

/// <summary>
/// <c>validate</c> reports what would fail at run time, each with the setting to add: a <c>{setting:X}</c> a tool reads
/// that is not set, an MCP server not defined; <c>--offline</c> lets the offline model stand in for every model.
/// </summary>
public sealed class ValidateRunTimeChecksTests : IDisposable
{
    readonly CliHarness cli = new();

    const string Crew = """
        name: checked
        agents:
          researcher:
            role: Researcher
            goal: Find facts
            backstory: Curious
            llm: openai/gpt-4o
            tools: [search, docs]
        tasks:
          research:
            description: Search for facts.
            expected_output: Facts
            agent: researcher
        tools:
          search:
            kind: http
            description: Search the web
            url: https://google.serper.dev/search?q={query}
            headers: { X-API-KEY: "{setting:SERPER_API_KEY}" }
            parameters: { type: object, properties: { query: { type: string } }, required: [query] }
          docs:
            kind: mcp
            server: docs
        """;

    [Fact]
    public async Task An_unset_setting_and_an_undefined_mcp_server_are_problems_naming_the_setting_to_add()
    {
        string crew = cli.Folder.Write("crew.yaml", Crew);

        int exit = await cli.RunAsync(new Dictionary<string, string?> { ["OPENAI_API_KEY"] = "k" }, "validate", crew);

        string errors = cli.Stderr.ToString();
        Assert.Equal(2, exit);
        Assert.Contains("tools.search.headers.X-API-KEY: reads the setting 'SERPER_API_KEY', which is not set on this server: set it (the environment variable SERPER_API_KEY", errors, StringComparison.Ordinal);
        Assert.Contains("tools.docs.server: no MCP server named 'docs' is defined on this server", errors, StringComparison.Ordinal);
        Assert.Contains("DurableCrews__Tools__Mcp__docs__Command", errors, StringComparison.Ordinal);

        int once = await cli.RunAsync(new Dictionary<string, string?> { ["OPENAI_API_KEY"] = "k", ["SERPER_API_KEY"] = "s" }, "validate", crew, "--mcp", "docs=node server.js");
        Assert.True(once == 0, cli.Stderr.ToString());
    }

    [Fact]
    public async Task Offline_skips_the_model_checks_and_says_the_offline_model_stands_in()
    {
        string crew = cli.Folder.Write("crew.yaml", Crew);

        int without = await cli.RunAsync(new Dictionary<string, string?> { ["SERPER_API_KEY"] = "s" }, "validate", crew, "--mcp", "docs=node server.js");
        Assert.Equal(2, without);
        Assert.Contains("agents.researcher.llm: the openai provider needs an API key", cli.Stderr.ToString(), StringComparison.Ordinal);

        int exit = await cli.RunAsync(new Dictionary<string, string?> { ["SERPER_API_KEY"] = "s" }, "validate", crew, "--mcp", "docs=node server.js", "--offline");

        Assert.Equal(0, exit);
        Assert.Contains("--offline: the offline model will stand in for every model the crew names", cli.Stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_offline_answers_with_the_offline_model_standing_in_for_the_named_one()
    {
        string crew = cli.Folder.Write("crew.yaml", """
            name: stand-in
            agents:
              writer:
                role: Writer
                goal: Write
                backstory: Clear
                llm: anthropic/claude-sonnet-4-5
            tasks:
              write:
                description: Write one line.
                expected_output: A line
                agent: writer
            """);

        int exit = await cli.RunAsync(null, "run", crew, "--offline", "--json");

        Assert.True(exit == 0, cli.Stderr.ToString());
        Assert.Contains("offline (stand-in for anthropic/claude-sonnet-4-5)", cli.Stdout.ToString(), StringComparison.Ordinal);
    }

    public void Dispose() => cli.Dispose();
}
