using DurableCrews.Cli;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Security;

/// <summary><c>durablecrews validate</c> on files written to hurt it: exit 2 with the problem and its position, no stack trace.</summary>
public sealed class HostileCliTests : IDisposable
{
    readonly CliHarness cli = new();

    public void Dispose() => cli.Dispose();

    Task<int> ValidateAsync(string path) => cli.RunAsync(null, "validate", path);

    [Fact]
    public async Task Validate_of_a_bracket_bomb_exits_2_with_the_position()
    {
        string file = Path.Combine(cli.Folder.Path, "bomb.yaml");
        await File.WriteAllTextAsync(file, new string('[', 50_000) + new string(']', 50_000));

        int exit = await ValidateAsync(file);

        Assert.Equal(CliApp.Invalid, exit);
        Assert.Contains("bomb.yaml:1:65", cli.Stderr.ToString());
        Assert.DoesNotContain("   at ", cli.Stderr.ToString());
    }

    [Fact]
    public async Task Validate_of_an_endless_device_exits_2_without_reading_it_all()
    {
        int exit = await ValidateAsync("/dev/zero");

        Assert.Equal(CliApp.Invalid, exit);
        Assert.Contains("larger than 1 MB", cli.Stderr.ToString());
    }

    [Fact]
    public async Task Validate_of_a_binary_file_exits_2()
    {
        string file = Path.Combine(cli.Folder.Path, "binary.yaml");
        await File.WriteAllBytesAsync(file, [0x61, 0x3A, 0x00, 0x01, 0xFF]);

        int exit = await ValidateAsync(file);

        Assert.Equal(CliApp.Invalid, exit);
        Assert.Contains("binary.yaml", cli.Stderr.ToString());
    }

    [Fact]
    public async Task Validate_refuses_callbacks_that_reach_inside_the_network_unless_the_host_is_allowed()
    {
        cli.Folder.Write("hooked/crew.yaml", """
            step_callback: http://169.254.169.254/latest
            agents:
              w: { role: Writer, goal: Write, backstory: Clear }
            tasks:
              t: { description: Draft, expected_output: A draft, agent: w }
            """);
        string crew = Path.Combine(cli.Folder.Path, "hooked");

        int refused = await cli.RunAsync(null, "validate", crew);
        int allowed = await cli.RunAsync(new Dictionary<string, string?> { ["DurableCrews:Webhooks:AllowedHosts"] = "169.254.169.254" }, "validate", crew);

        Assert.Equal(CliApp.Invalid, refused);
        Assert.Contains("crew.step_callback", cli.Stderr.ToString());
        Assert.Equal(CliApp.Completed, allowed);
    }
}
