using System.Diagnostics;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Models;

/// <summary>Model settings seen from a whole run: validate's problems, function_calling_llm, and keys kept out of everything a run leaves.</summary>
public sealed class ModelSettingsRunTests : IDisposable
{
    const string Secret = "sk-live-0123456789-do-not-store";

    readonly CliHarness cli = new();

    static string Crew(string researcherLlm, string extra = "", string researcherExtra = "") => $$"""
        name: model-choice
        {{extra}}
        agents:
          researcher:
            role: Researcher
            goal: Find facts
            backstory: Curious
            llm: {{researcherLlm}}
        {{researcherExtra}}
          writer:
            role: Writer
            goal: Write
            backstory: Clear
            llm: offline
        tasks:
          research:
            description: List the files you can see.
            expected_output: A list
            agent: researcher
          write:
            description: Write it up.
            expected_output: A paragraph
            agent: writer
        """;

    [Fact]
    public async Task Validate_lists_each_unreachable_model_with_its_path_and_the_setting_to_add()
    {
        string crew = cli.Folder.Write("crew.yaml", Crew("anthropic/claude-sonnet-4-5", "manager_llm: cohere/command-r\nplanning_llm: openai/gpt-4o"));

        int exit = await cli.RunAsync(null, "validate", crew);

        string errors = cli.Stderr.ToString();
        Assert.Equal(2, exit);
        Assert.Contains("agents.researcher.llm: the anthropic provider needs an API key: set DurableCrews__Models__anthropic__ApiKey (or the ANTHROPIC_API_KEY environment variable)", errors, StringComparison.Ordinal);
        Assert.Contains("crew.manager_llm: 'cohere' is neither a model provider", errors, StringComparison.Ordinal);
        Assert.Contains("crew.planning_llm: the openai provider needs an API key", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_accepts_a_model_once_its_key_is_set()
    {
        string crew = cli.Folder.Write("crew.yaml", Crew("anthropic/claude-sonnet-4-5"));

        int exit = await cli.RunAsync(new Dictionary<string, string?> { ["ANTHROPIC_API_KEY"] = "k" }, "validate", crew);

        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task Function_calling_llm_takes_the_turns_that_offer_tools()
    {
        await using var stub = await HttpStub.StartAsync(_ => (200, ChatCompletions.Text("The tool model answered."), null));
        string crew = cli.Folder.Write("crew.yaml", Crew("offline", researcherExtra: "    tools: [list_files]\n    function_calling_llm: tools/tool-model"));

        int exit = await cli.RunAsync(ToolEndpoint(stub), "run", crew, "--json");

        Assert.Equal(0, exit);
        var request = Assert.Single(stub.Requests);
        Assert.Contains("\"model\":\"tool-model\"", request.Body, StringComparison.Ordinal);
        Assert.Contains("list_files", request.Body, StringComparison.Ordinal);
        Assert.Contains("The tool model answered.", cli.Stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_models_key_never_reaches_run_records_output_logs_or_traces()
    {
        await using var stub = await HttpStub.StartAsync(_ => (200, ChatCompletions.Text("Facts, from a keyed model."), null));
        var tags = new List<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("DurableCrews", StringComparison.Ordinal) || source.Name.StartsWith("Experimental.Microsoft.Extensions.AI", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (tags)
                {
                    tags.Add(activity.DisplayName);
                    tags.AddRange(activity.TagObjects.Select(t => $"{t.Key}={t.Value}"));
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        string crew = cli.Folder.Write("crew.yaml", Crew("tools/gpt-4o"));

        int exit = await cli.RunAsync(ToolEndpoint(stub), "run", crew, "--json");

        Assert.Equal(0, exit);
        Assert.Equal($"Bearer {Secret}", stub.Requests[0].Headers["Authorization"]);
        Assert.Contains("openai/gpt-4o", cli.Stdout.ToString(), StringComparison.Ordinal);
        var stored = Directory.EnumerateFiles(cli.Folder.Path, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("crew.yaml", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(stored);
        Assert.All(stored, file => Assert.DoesNotContain(Secret, File.ReadAllText(file), StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, cli.Stdout.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, cli.Stderr.ToString(), StringComparison.Ordinal);
        lock (tags)
        {
            Assert.Contains(tags, t => t.StartsWith("chat ", StringComparison.Ordinal));
            Assert.DoesNotContain(tags, t => t.Contains(Secret, StringComparison.Ordinal));
        }
    }

    static Dictionary<string, string?> ToolEndpoint(HttpStub stub) => new()
    {
        ["DurableCrews:Models:tools:Provider"] = "openai",
        ["DurableCrews:Models:tools:Endpoint"] = new Uri(stub.BaseAddress, "v1").ToString(),
        ["DurableCrews:Models:tools:ApiKey"] = Secret,
    };

    public void Dispose() => cli.Dispose();
}
