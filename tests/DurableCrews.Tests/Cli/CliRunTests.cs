using System.Text.Json;
using DurableCrews.Cli;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Cli;

/// <summary><c>durablecrews run|validate</c>, driven in-process with captured output, on the offline model.</summary>
public sealed class CliRunTests : IDisposable
{
    readonly CliHarness cli = new();

    public void Dispose() => cli.Dispose();

    Task<int> RunAsync(params string[] args) => cli.RunAsync(null, args);

    [Fact]
    public async Task Run_of_the_sample_with_json_prints_a_crew_output_with_each_task_and_its_context()
    {
        int exit = await RunAsync("run", Path.Combine(RepoPaths.Crews, "contextual-workflow"), "--input", "base_topic=clickstream data", "--json");

        Assert.Equal(CliApp.Completed, exit);
        using var output = JsonDocument.Parse(cli.Stdout.ToString());
        var tasks = output.RootElement.GetProperty("tasks_output").EnumerateArray().ToList();
        Assert.Equal(["discovery_task", "validation_task"], tasks.Select(t => t.GetProperty("name").GetString()));
        Assert.Empty(tasks[0].GetProperty("context").EnumerateArray());
        Assert.Equal(["discovery_task"], tasks[1].GetProperty("context").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("Completed", output.RootElement.GetProperty("status").GetString());
    }

    string CrewWithAFailingTool()
    {
        cli.Folder.Write("reader/agents.yaml", "reader:\n  role: Reader\n  goal: Read notes\n  backstory: Reads.\n  tools: [file_read]\n");
        cli.Folder.Write("reader/tasks.yaml", "summary:\n  description: Use file_read to read notes/missing.md and sum it up.\n  expected_output: A summary.\n  agent: reader\n");
        return Path.Combine(cli.Folder.Path, "reader");
    }

    [Fact]
    public async Task A_run_whose_tool_calls_all_failed_completes_with_warning_lines_and_a_warning_summary()
    {
        int exit = await RunAsync("run", CrewWithAFailingTool());

        Assert.Equal(CliApp.Completed, exit);
        string stderr = cli.Stderr.ToString();
        Assert.Contains("⚠ summary: all 1 tool call(s) failed (file_read)", stderr, StringComparison.Ordinal);
        Assert.Contains("Completed with 1 warning(s)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_strict_exits_1_on_warnings()
    {
        int exit = await RunAsync("run", CrewWithAFailingTool(), "--strict");

        Assert.Equal(CliApp.RunFailed, exit);
    }

    [Fact]
    public async Task Run_strict_exits_0_for_a_run_without_warnings()
    {
        int exit = await RunAsync("run", Path.Combine(RepoPaths.Crews, "contextual-workflow"), "-i", "base_topic=orders", "--strict");

        Assert.Equal(CliApp.Completed, exit);
    }

    [Fact]
    public async Task Run_shows_progress_on_stderr_and_the_final_answer_on_stdout()
    {
        int exit = await RunAsync("run", Path.Combine(RepoPaths.Crews, "contextual-workflow"), "-i", "base_topic=orders");

        Assert.Equal(CliApp.Completed, exit);
        Assert.Contains("✔ validation_task", cli.Stderr.ToString(), StringComparison.Ordinal);
        Assert.StartsWith(DurableCrews.Models.OfflineChatClient.Marker, cli.Stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Definition_with_several_mistakes_exits_2_lists_each_and_starts_nothing()
    {
        cli.Folder.Write("bad/agents.yaml", "writer:\n  role: Writer\n  backstory: Writes.\n");
        cli.Folder.Write("bad/tasks.yaml", """
            draft:
              description: Draft it.
              expected_output: A draft.
              agent: editor
            review:
              description: Review it.
              expected_output: A review.
              agent: writer
              context: [polish]
            """);

        int exit = await RunAsync("run", Path.Combine(cli.Folder.Path, "bad"));

        Assert.Equal(CliApp.Invalid, exit);
        string errors = cli.Stderr.ToString();
        Assert.Contains("agents.writer.goal: required", errors, StringComparison.Ordinal);
        Assert.Contains("tasks.draft.agent: no agent named 'editor'", errors, StringComparison.Ordinal);
        Assert.Contains("tasks.review.context[0]: no task named 'polish'", errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(cli.Folder.Path, "storage", "crew-runs")), "a run was stored for an invalid definition");
    }

    [Fact]
    public async Task Missing_input_exits_2_and_names_the_input()
    {
        int exit = await RunAsync("run", Path.Combine(RepoPaths.Crews, "contextual-workflow"));

        Assert.Equal(CliApp.Invalid, exit);
        Assert.Contains("inputs.base_topic: required", cli.Stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Input_without_an_equals_sign_exits_2()
    {
        int exit = await RunAsync("run", Path.Combine(RepoPaths.Crews, "contextual-workflow"), "--input", "base_topic");

        Assert.Equal(CliApp.Invalid, exit);
        Assert.Contains("'base_topic' must be key=value", cli.Stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_option_exits_2()
    {
        int exit = await RunAsync("run", "--frobnicate");

        Assert.Equal(CliApp.Invalid, exit);
    }

    [Fact]
    public async Task Missing_crew_path_exits_2_with_the_path()
    {
        int exit = await RunAsync("run", Path.Combine(cli.Folder.Path, "nowhere"));

        Assert.Equal(CliApp.Invalid, exit);
        Assert.Contains("no crew folder or file", cli.Stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_reports_a_valid_crew_and_the_inputs_it_needs()
    {
        int exit = await RunAsync("validate", Path.Combine(RepoPaths.Crews, "contextual-workflow"));

        Assert.Equal(CliApp.Completed, exit);
        Assert.Contains("inputs: base_topic", cli.Stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_model_settings_exit_2_naming_the_setting()
    {
        int exit = await cli.RunAsync(new Dictionary<string, string?> { ["DurableCrews:Model:Provider"] = "azure-openai" }, "run", Path.Combine(RepoPaths.Crews, "contextual-workflow"), "-i", "base_topic=x");

        Assert.Equal(CliApp.Invalid, exit);
        Assert.Contains("DurableCrews:Model:Endpoint", cli.Stderr.ToString(), StringComparison.Ordinal);
    }
}
