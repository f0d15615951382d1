using System.Text.Json;
using DurableCrews.Cli;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace DurableCrews.Tests.Cli;

/// <summary><c>durablecrews run|validate</c>, driven in-process with captured output, on the offline model.</summary>
public sealed class CliRunTests : IDisposable
{
    readonly TempFolder folder = new();
    readonly StringWriter stdout = new();
    readonly StringWriter stderr = new();

    public void Dispose()
    {
        folder.Dispose();
        stdout.Dispose();
        stderr.Dispose();
    }

    Task<int> RunAsync(params string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DurableCrews:Storage:LocalPath"] = Path.Combine(folder.Path, "storage") })
            .Build();
        return CliApp.RunAsync(args, stdout, stderr, configuration);
    }

    [Fact]
    public async Task Run_of_the_sample_with_json_prints_a_crew_output_with_each_task_and_its_context()
    {
        int exit = await RunAsync("run", Path.Combine(RepoPaths.Crews, "contextual-workflow"), "--input", "base_topic=clickstream data", "--json");

        Assert.Equal(CliApp.Completed, exit);
        using var output = JsonDocument.Parse(stdout.ToString());
        var tasks = output.RootElement.GetProperty("tasks_output").EnumerateArray().ToList();
        Assert.Equal(["discovery_task", "validation_task"], tasks.Select(t => t.GetProperty("name").GetString()));
        Assert.Empty(tasks[0].GetProperty("context").EnumerateArray());
        Assert.Equal(["discovery_task"], tasks[1].GetProperty("context").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("Completed", output.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Run_shows_progress_on_stderr_and_the_final_answer_on_stdout()
    {
        int exit = await RunAsync("run", Path.Combine(RepoPaths.Crews, "contextual-workflow"), "-i", "base_topic=orders");

        Assert.Equal(CliApp.Completed, exit);
        Assert.Contains("✔ validation_task", stderr.ToString(), StringComparison.Ordinal);
        Assert.StartsWith(DurableCrews.Models.OfflineChatClient.Marker, stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Definition_with_several_mistakes_exits_2_lists_each_and_starts_nothing()
    {
        folder.Write("bad/agents.yaml", "writer:\n  role: Writer\n  backstory: Writes.\n");
        folder.Write("bad/tasks.yaml", """
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

        int exit = await RunAsync("run", Path.Combine(folder.Path, "bad"));

        Assert.Equal(CliApp.Invalid, exit);
        string errors = stderr.ToString();
        Assert.Contains("agents.writer.goal: required", errors, StringComparison.Ordinal);
        Assert.Contains("tasks.draft.agent: no agent named 'editor'", errors, StringComparison.Ordinal);
        Assert.Contains("tasks.review.context[0]: no task named 'polish'", errors, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "storage", "crew-runs")), "a run was stored for an invalid definition");
    }

    [Fact]
    public async Task Missing_input_exits_2_and_names_the_input()
    {
        int exit = await RunAsync("run", Path.Combine(RepoPaths.Crews, "contextual-workflow"));

        Assert.Equal(CliApp.Invalid, exit);
        Assert.Contains("inputs.base_topic: required", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Input_without_an_equals_sign_exits_2()
    {
        int exit = await RunAsync("run", Path.Combine(RepoPaths.Crews, "contextual-workflow"), "--input", "base_topic");

        Assert.Equal(CliApp.Invalid, exit);
        Assert.Contains("'base_topic' must be key=value", stderr.ToString(), StringComparison.Ordinal);
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
        int exit = await RunAsync("run", Path.Combine(folder.Path, "nowhere"));

        Assert.Equal(CliApp.Invalid, exit);
        Assert.Contains("no crew folder or file", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_reports_a_valid_crew_and_the_inputs_it_needs()
    {
        int exit = await RunAsync("validate", Path.Combine(RepoPaths.Crews, "contextual-workflow"));

        Assert.Equal(CliApp.Completed, exit);
        Assert.Contains("inputs: base_topic", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_model_settings_exit_2_naming_the_setting()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DurableCrews:Storage:LocalPath"] = Path.Combine(folder.Path, "storage"),
                ["DurableCrews:Model:Provider"] = "azure-openai",
            })
            .Build();

        int exit = await CliApp.RunAsync(["run", Path.Combine(RepoPaths.Crews, "contextual-workflow"), "-i", "base_topic=x"], stdout, stderr, configuration);

        Assert.Equal(CliApp.Invalid, exit);
        Assert.Contains("DurableCrews:Model:Endpoint", stderr.ToString(), StringComparison.Ordinal);
    }
}
