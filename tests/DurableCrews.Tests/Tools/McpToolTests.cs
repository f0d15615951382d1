using System.Diagnostics;
using System.Text.Json;
using DurableCrews.Definitions;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;
using DurableCrews.Tools;
using Microsoft.Extensions.DependencyInjection;

namespace DurableCrews.Tests.Tools;

/// <summary>
/// Crews using the tools of real MCP servers from npm through the official C# SDK: server-filesystem and
/// server-everything as stdio servers defined in settings, and server-everything over streamable HTTP on loopback.
/// </summary>
public sealed class McpToolTests
{
    static CrewDefinition Crew(string tools, string toolsSection, params (string Name, string Description)[] tasks)
    {
        string yaml = $$"""
            agents:
              operator:
                role: Operator
                goal: Use the tools and report what they answer
                backstory: Checks before claiming
                tools: {{tools}}
            tasks:
            {{string.Join("\n", tasks.Select(t => $"  {t.Name}:\n    description: '{t.Description}'\n    expected_output: What the tool answered\n    agent: operator"))}}
            tools:
            {{toolsSection}}
            """;
        var result = CrewDefinitionLoader.Parse(yaml, "mcp-crew");
        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        return result.Definition!;
    }

    [Fact]
    public async Task The_filesystem_server_reads_and_lists_files_for_an_agent_over_stdio()
    {
        using var folder = new TempFolder();
        folder.Write("runbook.txt", "Step 1: drain the queue.\nStep 2: restart the worker.");
        string root = Path.GetFullPath(folder.Path);
        var crew = Crew("[files]", "  files:\n    kind: mcp\n    server: files\n    tools: [read_text_file, list_directory]\n",
            ("read", $"Use read_text_file with path: {root}/runbook.txt and quote the steps."),
            ("list", $"Use list_directory with path: {root} and name what is there."));
        await using var engine = await EngineHarness.StartAsync(settings: McpServerPackages.Stdio("files", McpServerPackages.Filesystem, root));

        var run = await engine.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var tasks = run.Output!.TasksOutput;
        Assert.Contains("> Step 2: restart the worker.", tasks[0].Raw, StringComparison.Ordinal);
        Assert.Contains("[FILE] runbook.txt", tasks[1].Raw, StringComparison.Ordinal);
        Assert.Equal(("read_text_file", "files"), (tasks[0].ToolCalls[0].Tool, tasks[0].ToolCalls[0].Definition));
        Assert.Equal(1, engine.Engine.Services.GetRequiredService<McpServers>().Started);
    }

    [Fact]
    public async Task The_everything_server_echoes_and_adds_and_a_crew_gets_only_the_tools_it_picked()
    {
        var crew = Crew("[everything]", "  everything:\n    kind: mcp\n    server: everything\n    tools: [echo, get-sum]\n",
            ("echo", "Use the echo tool with message: \"tools are durable\" and report the answer."),
            ("add", "Use the get-sum tool with a: 2 and b: 40 and report the total."));
        await using var engine = await EngineHarness.StartAsync(settings: McpServerPackages.Stdio("everything", McpServerPackages.Everything));

        var run = await engine.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Contains("> Echo: tools are durable", run.Output!.TasksOutput[0].Raw, StringComparison.Ordinal);
        Assert.Contains("42", run.Output.TasksOutput[1].Raw, StringComparison.Ordinal);
        Assert.Equal("""{"a":2,"b":40}""", run.Output.TasksOutput[1].ToolCalls[0].Arguments);

        var servers = engine.Engine.Services.GetRequiredService<McpServers>();
        var offered = await servers.ToolsAsync(crew.FindTool("everything")!, CancellationToken.None);
        Assert.Equal(["echo", "get-sum"], offered.Select(t => t.Name).Order(StringComparer.Ordinal));
        var missing = await Assert.ThrowsAsync<ToolFailedException>(() => servers.ToolsAsync(crew.FindTool("everything")! with { Include = ["echo", "rm-rf"] }, CancellationToken.None));
        Assert.Contains("no tool named 'rm-rf'", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stdio_server_that_dies_is_started_again_on_the_next_call()
    {
        string marker = $"mcp-marker-{Guid.NewGuid():N}";
        await using var engine = await EngineHarness.StartAsync(settings: McpServerPackages.Stdio("everything", McpServerPackages.Everything, "stdio", marker));
        var servers = engine.Engine.Services.GetRequiredService<McpServers>();
        var echo = new ToolDefinition { Name = "everything", Kind = ToolKind.Mcp, Server = "everything" };
        var arguments = JsonSerializer.SerializeToElement(new { message = "one" });

        Assert.Equal("Echo: one", await servers.CallAsync(echo, "echo", arguments, CancellationToken.None));
        using (var kill = Process.Start("pkill", ["-KILL", "-f", marker]))
        {
            await kill.WaitForExitAsync();
        }

        Assert.Equal("Echo: two", await servers.CallAsync(echo, "echo", JsonSerializer.SerializeToElement(new { message = "two" }), CancellationToken.None));
        Assert.Equal(2, servers.Started);
    }

    [Fact]
    public async Task A_streamable_http_server_on_loopback_is_reached_when_the_tools_policy_allows_it()
    {
        await using var server = await McpServerPackages.HttpServer.StartAsync();
        var crew = Crew("[remote]", $"  remote:\n    kind: mcp\n    url: {server.Endpoint}\n    tools: [echo]\n",
            ("echo", "Use the echo tool with message: \"over http\" and report the answer."));

        await using (var strict = await EngineHarness.StartAsync())
        {
            var refused = await Assert.ThrowsAsync<CrewDefinitionException>(() => strict.RunAsync(crew));
            Assert.Contains(refused.Problems, p => p.Path == "tools.remote.url" && p.Message.Contains("DurableCrews__Tools__AllowedHosts", StringComparison.Ordinal));
        }

        await using var engine = await EngineHarness.StartAsync(settings: new Dictionary<string, string?> { ["DurableCrews:Tools:AllowedHosts"] = "127.0.0.1" });
        var run = await engine.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Contains("> Echo: over http", run.Output!.TasksOutput[0].Raw, StringComparison.Ordinal);
    }
}
