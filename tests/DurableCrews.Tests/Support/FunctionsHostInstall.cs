using System.Diagnostics;

namespace DurableCrews.Tests.Support;

/// <summary>
/// Where the Azure Functions host comes from, and the Functions app published once per test run. The host is, in order:
/// <c>DURABLECREWS_FUNCTIONS_HOST</c> (a folder with <c>start-host.sh</c>, or a <c>func</c> binary), <c>func</c> on the
/// PATH (Core Tools), else none, and the host tests are skipped with <see cref="MissingMessage"/>. Where the host is
/// required (<c>CI=true</c>, or <c>DURABLECREWS_FUNCTIONS_HOST</c> set) a missing or broken host fails them instead.
/// </summary>
public static class FunctionsHostInstall
{
    public const string HostSetting = "DURABLECREWS_FUNCTIONS_HOST";

    public const string MissingMessage =
        "No Azure Functions host: set DURABLECREWS_FUNCTIONS_HOST to ../shared/functions-host (a folder with start-host.sh) or " +
        "to a func binary, or put Azure Functions Core Tools' func on the PATH; .ci/run sets it.";

    static readonly Lazy<Task<string>> Published = new(PublishAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>True when the host tests must run: in CI, or when a host was named.</summary>
    public static bool Required =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
        || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(HostSetting));

    /// <summary>The host to run, or null when there is none.</summary>
    public static FunctionsHostCommand? Find()
    {
        if (Environment.GetEnvironmentVariable(HostSetting) is { Length: > 0 } named)
        {
            string path = Path.GetFullPath(named, RepoPaths.Root);
            if (File.Exists(Path.Combine(path, "start-host.sh")))
            {
                return new FunctionsHostCommand(Path.Combine(path, "start-host.sh"), IsCoreTools: false);
            }

            return File.Exists(path) ? new FunctionsHostCommand(path, IsCoreTools: true) : null;
        }

        string? func = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "func"))
            .FirstOrDefault(File.Exists);
        return func is null ? null : new FunctionsHostCommand(func, IsCoreTools: true);
    }

    /// <summary>The host to run; skips the calling test when there is none and none is required, fails it when one is.</summary>
    public static FunctionsHostCommand FindOrSkip()
    {
        var host = Find();
        Skip.If(host is null && !Required, MissingMessage);
        Assert.True(host is not null, $"{MissingMessage} ({HostSetting}='{Environment.GetEnvironmentVariable(HostSetting)}')");
        return host!;
    }

    /// <summary>
    /// <c>src/DurableCrews.Functions</c> published (once per test run) from the build the tests were built with, into
    /// <c>functions-app</c> beside the tests.
    /// </summary>
    public static Task<string> PublishedAppAsync() => Published.Value;

    static async Task<string> PublishAsync()
    {
        // The tests' own build built the Functions app too (a project reference): publish that build, do not build again.
        string configuration = Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar))!);
        // Beside the tests' own build, replaced on each run (a temp folder would outlive the test host, which is killed).
        string output = Path.Combine(AppContext.BaseDirectory, "functions-app");
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepoPaths.Root };
        foreach (string arg in new[] { "publish", Path.Combine("src", "DurableCrews.Functions", "DurableCrews.Functions.csproj"), "-c", configuration, "--no-build", "--nologo", "-o", output })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || !File.Exists(Path.Combine(output, "functions.metadata")))
        {
            throw new InvalidOperationException($"dotnet publish of the Functions app failed ({process.ExitCode}): {await stdout}{await stderr}");
        }

        return output;
    }
}
