using System.Text.Json;
using DurableCrews.Definitions;
using DurableCrews.Notifications;
using DurableCrews.Outbound;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;
using DurableCrews.Tools;
using Microsoft.Extensions.Options;

namespace DurableCrews.Tests.Tools;

/// <summary>
/// Tools as CrewAI's crew.py configures them (<c>FileReadTool(file_path=…)</c>, <c>ScrapeWebsiteTool(website_url=…)</c>):
/// named instances in crew.yaml with CrewAI's arguments, pinned so the model is not asked for them, several of one kind,
/// and <c>{input}</c> placeholders filled from the kickoff inputs and checked again once filled.
/// </summary>
public sealed class ToolInstanceTests
{
    static string Crew(string agentTools, string tools, string description = "Read the notes") => $$"""
        agents:
          researcher:
            role: Researcher
            goal: Find out
            backstory: Thorough
            tools: {{agentTools}}
        tasks:
          research:
            description: '{{description}}'
            expected_output: What was found
            agent: researcher
        tools:
        {{tools}}
        """;

    static CrewLoadResult Load(string yaml) => CrewDefinitionLoader.Parse(yaml, "instances");

    static OutboundPolicies Policies() => new(
        Options.Create(new OutboundOptions()),
        Options.Create(new WebhookOptions()),
        Options.Create(new ToolOptions()));

    const string TwoSites = """
          job_description:
            kind: FileReadTool
            file_path: ./data/job.md
          company_site:
            kind: ScrapeWebsiteTool
            website_url: https://{company_domain}/about
          careers_site:
            kind: ScrapeWebsiteTool
            website_url: https://jobs.example.com/{company_domain}
          data_folder:
            kind: DirectoryReadTool
            directory: ./data
        """;

    [Fact]
    public void Instances_of_one_kind_load_with_their_arguments_pinned_and_left_out_of_the_model_schema()
    {
        var result = Load(Crew("[job_description, company_site, careers_site, data_folder]", TwoSites));

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        var crew = result.Definition!;
        Assert.Equal(["job_description", "company_site", "careers_site", "data_folder"], crew.Agents[0].Tools);
        var company = crew.FindTool("company_site")!;
        Assert.Equal((ToolKind.Builtin, BuiltinTools.WebFetch, "https://{company_domain}/about"), (company.Kind, company.Runs, company.Pinned["url"]));
        var declared = FileTools.Declare(company);
        Assert.Equal("company_site", declared.Name);
        Assert.False(declared.Schema.GetProperty("properties").TryGetProperty("url", out _));
        Assert.Empty(declared.Schema.GetProperty("required").EnumerateArray());
        Assert.False(FileTools.Declare(crew.FindTool("job_description")!).Schema.GetProperty("properties").TryGetProperty("path", out _));
        Assert.Equal(["company_domain"], CrewInputs.RequiredInputs(crew));

        // The document a GET answers loads back to the same instances.
        var again = CrewDefinitionLoader.Parse(CrewDocument.ToJson(crew), "instances", "crew.json");
        Assert.True(again.Succeeded, string.Join("; ", again.Problems));
        Assert.Equal(crew.Tools.Select(t => (t.Name, t.Runs, string.Join(",", t.Pinned))), again.Definition!.Tools.Select(t => (t.Name, t.Runs, string.Join(",", t.Pinned))));
    }

    [Theory]
    [InlineData("  notes:\n    kind: FileReadTool\n    filepath: notes.md\n", "tools.notes.filepath", "did you mean 'file_path'?")]
    [InlineData("  notes:\n    kind: FileReadTol\n    file_path: notes.md\n", "tools.notes.kind", "did you mean 'FileReadTool'?")]
    [InlineData("  notes:\n    kind: FileReadTool\n    file_path: ../secrets.txt\n", "tools.notes.file_path", "..")]
    [InlineData("  site:\n    kind: ScrapeWebsiteTool\n    website_url: ftp://example.com/a\n", "tools.site.website_url", "absolute http(s) URL")]
    [InlineData("  site:\n    kind: ScrapeWebsiteTool\n    websiteurl: https://example.com\n", "tools.site.websiteurl", "did you mean 'website_url'?")]
    [InlineData("  web_fetch:\n    kind: ScrapeWebsiteTool\n    website_url: https://example.com\n", "tools.web_fetch.kind", "built-in tool")]
    public void A_bad_instance_is_a_problem_with_its_path(string tools, string path, string message)
    {
        var result = Load(Crew("[]", tools));

        Assert.False(result.Succeeded);
        Assert.Contains(result.Problems, p => p.Path.EndsWith(path, StringComparison.Ordinal) && p.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_placeholder_for_an_input_the_kickoff_lacks_is_a_problem_naming_the_input_and_the_tool()
    {
        var crew = Load(Crew("[company_site]", TwoSites)).Definition!;

        var filled = CrewInputs.Interpolate(crew, new Dictionary<string, string> { ["company_domian"] = "acme.example" });

        var problem = Assert.Single(filled.Problems);
        Assert.Equal("inputs.company_domain", problem.Path);
        Assert.Contains("tools.company_site.url uses {company_domain}", problem.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'company_domian'?", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("169.254.169.254", "tools.company_site.url")]
    [InlineData("localhost:8080", "tools.company_site.url")]
    public void A_url_filled_from_the_inputs_is_refused_when_it_reaches_inside_the_network(string domain, string path)
    {
        var crew = Load(Crew("[company_site]", TwoSites)).Definition!;
        Assert.Empty(Policies().CheckCrew(crew));

        var filled = CrewInputs.Interpolate(crew, new Dictionary<string, string> { ["company_domain"] = domain });

        Assert.True(filled.Succeeded);
        var refused = Assert.Single(Policies().CheckFilledTools(crew, filled.Definition!));
        Assert.Equal(path, refused.Path);
    }

    [Fact]
    public void An_input_that_makes_a_pinned_path_leave_the_files_is_a_problem()
    {
        var crew = Load(Crew("[notes]", "  notes:\n    kind: FileReadTool\n    file_path: 'data/{name}.md'\n")).Definition!;

        var filled = CrewInputs.Interpolate(crew, new Dictionary<string, string> { ["name"] = "../../etc/passwd" });

        var problem = Assert.Single(filled.Problems);
        Assert.Equal("tools.notes.path", problem.Path);
        Assert.StartsWith("once filled from the inputs,", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_instances_of_one_kind_fetch_their_pinned_urls_filled_from_the_inputs_and_a_file_instance_reads_its_file()
    {
        await using var site = await HttpStub.StartAsync(r => (200, $"<html><body><p>Page {r.Path}</p></body></html>", new Dictionary<string, string> { ["Content-Type"] = "text/html" }));
        string yaml = $$"""
            agents:
              researcher:
                role: Researcher
                goal: Find out
                backstory: Thorough
                tools: [company_site, careers_site, job_description]
            tasks:
              about:
                description: Use company_site to learn what the company does.
                expected_output: What it does
                agent: researcher
              careers:
                description: Use careers_site to find the open roles.
                expected_output: The roles
                agent: researcher
              job:
                description: Use job_description to read the job.
                expected_output: The job
                agent: researcher
            tools:
              company_site:
                kind: ScrapeWebsiteTool
                website_url: {{site.BaseAddress}}{company}/about
              careers_site:
                kind: ScrapeWebsiteTool
                website_url: {{site.BaseAddress}}careers?c={company}
              job_description:
                kind: FileReadTool
                file_path: ./data/job.md
            files:
              data/job.md: Senior durable engineer, remote.
            """;
        var crew = Load(yaml).Definition ?? throw new InvalidOperationException(string.Join("; ", Load(yaml).Problems));
        await using var engine = await EngineHarness.StartAsync(settings: new Dictionary<string, string?> { ["DurableCrews:Tools:AllowedHosts"] = "127.0.0.1" });

        var run = await engine.RunAsync(crew, new Dictionary<string, string> { ["company"] = "acme" });

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var calls = run.Output!.TasksOutput.Select(t => Assert.Single(t.ToolCalls)).ToList();
        Assert.Equal([("company_site", "{}", (string?)null), ("careers_site", "{}", null), ("job_description", "{}", null)], calls.Select(c => (c.Tool, c.Arguments, c.Error)));
        Assert.Equal([("/acme/about", ""), ("/careers", "?c=acme")], site.Requests.Select(r => (r.Path, r.Query)));
        Assert.Contains("Page /acme/about", run.Output.TasksOutput[0].Raw, StringComparison.Ordinal);
        Assert.Contains("Senior durable engineer, remote.", run.Output.TasksOutput[2].Raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pinned_argument_wins_over_what_the_model_sends()
    {
        var crew = Load(Crew("[notes]", "  notes:\n    kind: FileReadTool\n    file_path: notes.md\n")).Definition!;
        crew = crew with { Files = new Dictionary<string, string> { ["notes.md"] = "the pinned notes", ["other.md"] = "other notes" } };
        await using var engine = await EngineHarness.StartAsync();
        var tools = engine.Engine.Services.GetService(typeof(CrewTools)) as CrewTools ?? throw new InvalidOperationException("no CrewTools");

        string result = await tools.RunAsync(crew.FindTool("notes")!, null, JsonSerializer.SerializeToElement(new { path = "other.md" }), "r1", crew, CancellationToken.None);

        Assert.Equal("the pinned notes", result);
    }
}
