using System.Text.Json;
using DurableCrews.Cli;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace DurableCrews.Tests.Cli;

/// <summary><c>durablecrews run|validate</c> with a flow, in-process on the offline model.</summary>
public sealed class CliFlowTests : IDisposable
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

    static string SampleFlow => Path.Combine(RepoPaths.Root, "flows", "enterprise-coordination");

    Task<int> RunAsync(params string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DurableCrews:Storage:LocalPath"] = Path.Combine(folder.Path, "storage"),
                ["DurableCrews:Crews:Path"] = RepoPaths.Crews,
            })
            .Build();
        return CliApp.RunAsync(args, stdout, stderr, configuration);
    }

    [Fact]
    public async Task Validate_of_the_sample_flow_lists_its_steps_and_inputs()
    {
        int exit = await RunAsync("validate", SampleFlow);

        Assert.Equal(CliApp.Completed, exit);
        Assert.Contains("flow 'enterprise-coordination' is valid: 4 step(s)", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("inputs: domain", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_of_the_sample_flow_with_json_prints_one_entry_per_step()
    {
        int exit = await RunAsync("run", SampleFlow, "--input", "domain=clickstream", "--json");

        Assert.Equal(CliApp.Completed, exit);
        using var output = JsonDocument.Parse(stdout.ToString());
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
        Assert.Contains("inputs.domain", stderr.ToString(), StringComparison.Ordinal);
    }
}
