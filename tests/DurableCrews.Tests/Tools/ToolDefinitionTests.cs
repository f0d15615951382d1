using DurableCrews.Definitions;
using DurableCrews.Notifications;
using DurableCrews.Outbound;
using DurableCrews.Tests.Support;
using DurableCrews.Tools;
using Microsoft.Extensions.Options;

namespace DurableCrews.Tests.Tools;

/// <summary>How a crew declares tools, and every bad declaration refused with its path before anything starts.</summary>
public sealed class ToolDefinitionTests
{
    static string Crew(string agentTools, string tools = "", string extraTask = "") => $$"""
        agents:
          reader:
            role: Reader
            goal: Read
            backstory: Careful
            tools: {{agentTools}}
        tasks:
          read:
            description: Read notes.md
            expected_output: What it says
            agent: reader
        {{extraTask}}
        {{(tools.Length > 0 ? "tools:\n" + tools : string.Empty)}}
        """;

    static CrewLoadResult Load(string yaml) => CrewDefinitionLoader.Parse(yaml, "tooled");

    static OutboundPolicies Policies(params (string Name, McpServerOptions Server)[] servers) => new(
        Options.Create(new OutboundOptions()),
        Options.Create(new WebhookOptions()),
        Options.Create(new ToolOptions { Mcp = servers.ToDictionary(s => s.Name, s => s.Server) }));

    [Fact]
    public void Every_kind_loads_and_CrewAI_tool_names_map_to_the_built_in_tools()
    {
        var result = Load(Crew("[FileReadTool, FileWriterTool, DirectoryReadTool, ScrapeWebsiteTool, WebsiteSearchTool, search, fs, docs]", """
              search:
                kind: http
                description: Search the catalogue
                method: POST
                url: https://search.example.com/v1/search?q={query}
                headers: { Authorization: "Bearer {setting:SEARCH_KEY}" }
                parameters: { type: object, properties: { query: { type: string } }, required: [query] }
                body: { query: "{query}", top: 5 }
                timeout: 20
                retries: 2
                cache: true
              fs:
                kind: mcp
                server: filesystem
                tools: [read_text_file]
              docs:
                kind: mcp
                url: https://mcp.example.com/mcp
                headers: { x-api-key: "{setting:DOCS_KEY}" }
              file_read:
                max_result_chars: 4000
            """));

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        var crew = result.Definition!;
        Assert.Equal(["file_read", "file_write", "list_files", "web_fetch", "search", "fs", "docs"], crew.Agents[0].Tools);
        var search = crew.FindTool("search")!;
        Assert.Equal((ToolKind.Http, "POST", 20, 2, true), (search.Kind, search.Method, search.TimeoutSeconds, search.Retries, search.Cache));
        Assert.Equal(["read_text_file"], crew.FindTool("fs")!.Include);
        Assert.Equal(4000, crew.FindTool("file_read")!.MaxResultChars);
        Assert.Equal(ToolKind.Builtin, crew.FindTool("web_fetch")!.Kind);

        // The document a GET answers loads back to the same tools.
        var again = CrewDefinitionLoader.Parse(CrewDocument.ToJson(crew), "tooled", "crew.json");
        Assert.True(again.Succeeded, string.Join("; ", again.Problems));
        Assert.Equal(crew.Tools.Select(t => (t.Name, t.Kind, t.Url, t.Server)), again.Definition!.Tools.Select(t => (t.Name, t.Kind, t.Url, t.Server)));
    }

    [Fact]
    public void A_CrewAI_tool_without_an_equivalent_is_an_error_that_says_what_to_add()
    {
        var result = Load(Crew("[SerperDevTool]"));

        var problem = Assert.Single(result.Problems);
        Assert.EndsWith("agents.reader.tools[0]", problem.Path, StringComparison.Ordinal);
        Assert.Contains("'SerperDevTool' is a CrewAI tool", problem.Message, StringComparison.Ordinal);
        Assert.Contains("SerperDevTool: {kind: mcp, server: NAME}", problem.Message, StringComparison.Ordinal);
        Assert.Contains("SerperDevTool: {kind: http, url: https://", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("  x:\n    kind: shell\n    description: d\n", "tools.x.kind", "must be 'mcp'")]
    [InlineData("  x:\n    kind: http\n    description: d\n    url: https://api.example.com/q\n", "tools.x.parameters", "required: the JSON schema")]
    [InlineData("  x:\n    kind: http\n    description: d\n    url: https://api.example.com/q?q={other.name}\n    parameters: { type: object, properties: { query: { type: string } } }\n", "tools.x.url", "{other.name}")]
    [InlineData("  x:\n    kind: http\n    description: d\n    url: https://{host}/q\n    parameters: { type: object, properties: { host: { type: string } } }\n", "tools.x.url", "scheme and host")]
    [InlineData("  x:\n    kind: mcp\n    command: bash\n    args: [-c, 'curl evil']\n", "tools.x.command", "cannot start a process")]
    [InlineData("  x:\n    kind: mcp\n", "tools.x", "either 'server'")]
    [InlineData("  delegate_work:\n    kind: http\n    description: d\n    url: https://a.example.com\n    parameters: { type: object, properties: {} }\n", "tools.delegate_work", "delegation tool")]
    [InlineData("  \"my tool\":\n    kind: mcp\n    server: fs\n", "tools.my tool", "must be 1 to 64 letters")]
    [InlineData("  web_fetch:\n    kind: http\n", "tools.web_fetch.kind", "built-in tool")]
    [InlineData("  x:\n    kind: http\n    description: d\n    url: https://a.example.com\n    headers: { Authorization: \"Bearer {token}\" }\n    parameters: { type: object, properties: { token: { type: string } } }\n", "tools.x.headers.Authorization", "secrets come from settings")]
    public void A_bad_declaration_is_a_problem_with_its_path(string tools, string path, string message)
    {
        var result = Load(Crew("[]", tools));

        Assert.False(result.Succeeded);
        Assert.Contains(result.Problems, p => p.Path.EndsWith(path, StringComparison.Ordinal) && p.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void An_agent_listing_a_tool_nothing_provides_is_a_problem()
    {
        var result = Load(Crew("[file_read, notes_search]"));

        var problem = Assert.Single(result.Problems);
        Assert.EndsWith("agents.reader.tools[1]", problem.Path, StringComparison.Ordinal);
        Assert.Contains("no tool named 'notes_search'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Destinations_and_server_names_are_checked_against_this_server()
    {
        var crew = Load(Crew("[hook, local, fs]", """
              hook:
                kind: http
                description: d
                url: http://169.254.169.254/latest/meta-data?x={x}
                parameters: { type: object, properties: { x: { type: string } } }
              local:
                kind: mcp
                url: https://localhost/mcp
              fs:
                kind: mcp
                server: filesystem
            """)).Definition!;

        var refused = Policies().CheckCrew(crew);
        Assert.Contains(refused, p => p.Path == "tools.hook.url");
        Assert.Contains(refused, p => p.Path == "tools.local.url");
        Assert.Contains(refused, p => p.Path == "tools.fs.server" && p.Message.Contains("DurableCrews__Tools__Mcp__filesystem__Command", StringComparison.Ordinal));

        var withServer = Policies(("filesystem", new McpServerOptions { Command = "node" })).CheckCrew(crew);
        Assert.DoesNotContain(withServer, p => p.Path == "tools.fs.server");
    }

    [Fact]
    public void Output_pydantic_asks_for_output_json_and_is_accepted_with_it()
    {
        var pydantic = "  summarise:\n    description: Sum up\n    expected_output: A summary\n    agent: reader\n    output_pydantic: Summary\n";
        var refused = Load(Crew("[]", extraTask: pydantic));
        Assert.Contains(refused.Problems, p => p.Path.EndsWith("tasks.summarise.output_pydantic", StringComparison.Ordinal) && p.Message.Contains("output_json", StringComparison.Ordinal));

        var accepted = Load(Crew("[]", extraTask: pydantic + "    output_json: { type: object, properties: { summary: { type: string } } }\n"));
        Assert.True(accepted.Succeeded, string.Join("; ", accepted.Problems));
        Assert.NotNull(accepted.Definition!.Tasks[1].OutputJson);
    }

    [Fact]
    public void A_crew_folder_carries_its_files_and_a_document_carries_them_inline()
    {
        using var folder = new TempFolder();
        folder.Write("agents.yaml", "reader: { role: Reader, goal: Read, backstory: Careful, tools: [FileReadTool] }");
        folder.Write("tasks.yaml", "read: { description: Read notes.md, expected_output: Its content, agent: reader }");
        folder.Write("files/notes.md", "# Notes\nThe launch is on Tuesday.");
        folder.Write("files/data/prices.csv", "item,price\ntea,3");

        var crew = CrewDefinitionLoader.Load(folder.Path).Definition!;

        Assert.Equal(["data/prices.csv", "notes.md"], crew.Files.Keys.Order(StringComparer.Ordinal));
        var inline = CrewDefinitionLoader.Parse(CrewDocument.ToJson(crew), "copy", "crew.json");
        Assert.Equal(crew.Files, inline.Definition!.Files);

        var escaping = Load(Crew("[]") + "\nfiles:\n  ../secrets.txt: nope\n");
        Assert.Contains(escaping.Problems, p => p.Path.EndsWith("files.../secrets.txt", StringComparison.Ordinal));
    }
}
