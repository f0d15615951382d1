using System.Diagnostics;

namespace DurableCrews.Tests.Support;

/// <summary>
/// <c>Dashboard/dashboard.e2e.mjs</c>: the dashboard driven in Debian's headless Chromium by puppeteer-core (a hierarchical
/// crew started from the form and watched, replayed, a human-input task approved, a run terminated, the list filtered, the bundled flow <c>write-a-book</c> watched
/// for its steps' iterations and its chapters as item bars).
/// Needs the crew <c>reviewed</c> (a <c>human_input</c> task over <c>{topic}</c>) and the bundled <c>data-platform</c>.
/// </summary>
public static class DashboardE2e
{
    const string Chromium = "/usr/bin/chromium";

    /// <summary>The crew <c>reviewed</c> the walk starts: one task that waits for a person's approval.</summary>
    public const string ReviewedCrew = """
        agents:
          writer:
            role: Writer
            goal: Write about {topic}
            backstory: Clear
        tasks:
          draft:
            description: Draft notes on {topic}
            expected_output: A draft
            agent: writer
            human_input: true
        """;

    /// <summary>The screenshots a passing walk leaves, one per step.</summary>
    public static readonly string[] Screenshots =
        ["01-runs.png", "02-hierarchical-running.png", "03-hierarchical-completed.png", "04-replayed.png", "05-human-input-waiting.png", "06-human-input-approved.png", "07-terminated.png", "08-runs-filtered.png", "09-flow-fan-out.png"];

    /// <summary>
    /// Skips the calling test when Chromium is missing, unless <c>DURABLECREWS_REQUIRE_CHROMIUM=1</c> (CI), where it fails.
    /// </summary>
    public static void RequireChromium()
    {
        bool required = Environment.GetEnvironmentVariable("DURABLECREWS_REQUIRE_CHROMIUM") == "1";
        Skip.If(!required && !File.Exists(Chromium), "Debian's chromium is not installed (apt-get install chromium); .ci/run installs it.");
        Assert.True(File.Exists(Chromium), "Debian's chromium is needed (.ci/run installs it: apt-get install chromium)");
    }

    /// <summary>
    /// Walks the dashboard served at <paramref name="baseUrl"/> + <paramref name="pagePath"/>, failing the test with the
    /// script's output unless every step passed; returns the screenshots left in <paramref name="artifacts"/>.
    /// </summary>
    public static async Task<IReadOnlyList<string>> WalkAsync(string baseUrl, string artifacts, string pagePath = "/")
    {
        if (Directory.Exists(artifacts))
        {
            Directory.Delete(artifacts, recursive: true);
        }

        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { Path.Combine(RepoPaths.Root, "tests", "DurableCrews.Tests", "Dashboard", "dashboard.e2e.mjs"), baseUrl, artifacts, pagePath })
        {
            start.ArgumentList.Add(arg);
        }

        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        try
        {
            await node.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True(node.ExitCode == 0, $"{await stdout}\n{await stderr}");
        return Directory.GetFiles(artifacts).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
    }
}
