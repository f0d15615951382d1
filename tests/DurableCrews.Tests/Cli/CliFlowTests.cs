using System.Text.Json;
using DurableCrews.Cli;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Cli;

/// <summary><c>durablecrews run|validate</c> with a flow, in-process on the offline model.</summary>
public sealed class CliFlowTests : IDisposable
{
    readonly CliHarness cli = new();

    public void Dispose() => cli.Dispose();

    static string SampleFlow => Path.Combine(RepoPaths.Root, "flows", "enterprise-coordination");

    Task<int> RunAsync(params string[] args) => cli.RunAsync(new Dictionary<string, string?> { ["DurableCrews:Crews:Path"] = RepoPaths.Crews }, args);

    [Fact]
    public async Task Validate_of_the_sample_flow_lists_its_steps_and_inputs()
    {
        int exit = await RunAsync("validate", SampleFlow);

        Assert.Equal(CliApp.Completed, exit);
        Assert.Contains("flow 'enterprise-coordination' is valid: 4 step(s)", cli.Stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("inputs: domain", cli.Stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_of_the_sample_flow_with_json_prints_one_entry_per_step()
    {
        int exit = await RunAsync("run", SampleFlow, "--input", "domain=clickstream", "--json");

        Assert.Equal(CliApp.Completed, exit);
        using var output = JsonDocument.Parse(cli.Stdout.ToString());
        Assert.Equal("enterprise-coordination", output.RootElement.GetProperty("crew").GetString());
        Assert.Equal(
            ["discovery", "ingestion", "governance", "summary"],
            output.RootElement.GetProperty("tasks_output").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Run_of_a_flow_without_its_input_exits_2_and_names_it()
    {
        int exit = await RunAsync("run", SampleFlow);

        Assert.Equal(CliApp.Invalid, exit);
        Assert.Contains("inputs.domain", cli.Stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("self-evaluation-loop", "save_result|max_retry_exceeded_exit")]
    [InlineData("write-a-book", "join_and_save_chapters")]
    public async Task Run_of_a_crewai_flow_sample_completes_offline(string sample, string lastSteps)
    {
        int exit = await RunAsync("run", Path.Combine(RepoPaths.Root, "flows", sample), "--input", "topic=tidal power", "--json");

        Assert.Equal(CliApp.Completed, exit);
        using var output = JsonDocument.Parse(cli.Stdout.ToString());
        Assert.Contains(output.RootElement.GetProperty("tasks_output").EnumerateArray().Last().GetProperty("name").GetString(), lastSteps.Split('|'));
    }
}
