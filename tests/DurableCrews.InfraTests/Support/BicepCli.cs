using System.Diagnostics;
using System.Reflection;

namespace DurableCrews.InfraTests.Support;

/// <summary>
/// Runs the Bicep CLI from the <c>Azure.Bicep.CommandLine.*</c> package, whose path the build records in the
/// assembly's <c>BicepPath</c> metadata.
/// </summary>
static class BicepCli
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>The CLI's path.</summary>
    public static string Path { get; } =
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == "BicepPath")?.Value is { Length: > 0 } path
            ? path
            : throw new InvalidOperationException("The build did not record BicepPath; is Azure.Bicep.CommandLine.linux-x64 restored?");

    /// <summary>Runs <c>bicep</c> with <paramref name="arguments"/> in the repository root.</summary>
    public static BicepResult Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path)
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Path}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} ran longer than {Timeout}.");
        }

        return new BicepResult(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }
}
