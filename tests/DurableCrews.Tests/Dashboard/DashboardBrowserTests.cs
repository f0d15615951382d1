using System.Diagnostics;
using System.Net;
using System.Text;
using DurableCrews.Dashboard;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Dashboard;

/// <summary>
/// The dashboard served by <c>durablecrews serve</c>, in Debian's Chromium driven by puppeteer-core: the runs list, a
/// hierarchical crew started from the form and watched to completion, replayed from its task, a human-input task approved, a long run
/// terminated, the list filtered. A screenshot at each step is kept under <c>artifacts/dashboard</c> in the test output.
/// </summary>
public sealed class DashboardBrowserTests
{
    const string Reviewed = """
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

    [Fact]
    public async Task Serve_answers_the_dashboard_at_the_root_with_a_strict_content_security_policy_and_no_key()
    {
        using var folder = new TempFolder();
        await using var serve = await ServeProcess.StartAsync(new Dictionary<string, string> { ["DurableCrews__Storage__LocalPath"] = folder.Path, ["DurableCrews__Api__Keys"] = "k1" });
        using var http = new HttpClient();

        var page = await http.GetAsync(new Uri(serve.Address, "/"));
        var api = await http.GetAsync(new Uri(serve.Address, "runs"));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        string csp = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Equal(DashboardPage.ContentSecurityPolicy, csp);
        Assert.Contains("script-src 'sha256-", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Contains("<title>DurableCrews</title>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [SkippableFact]
    public async Task The_dashboard_starts_watches_approves_and_terminates_runs_in_headless_chromium()
    {
        bool required = Environment.GetEnvironmentVariable("DURABLECREWS_REQUIRE_CHROMIUM") == "1";
        Skip.If(!required && !File.Exists("/usr/bin/chromium"), "Debian's chromium is not installed (apt-get install chromium); .ci/run installs it.");
        Assert.True(File.Exists("/usr/bin/chromium"), "Debian's chromium is needed (.ci/run installs it: apt-get install chromium)");

        using var folder = new TempFolder();
        await using var serve = await ServeProcess.StartAsync(new Dictionary<string, string>
        {
            ["DurableCrews__Storage__LocalPath"] = folder.Path,
            ["DurableCrews__Model__OfflineLatencyMs"] = "300",
        });
        using (var http = new HttpClient { BaseAddress = serve.Address })
        {
            var stored = await http.PutAsync("crews/reviewed", new StringContent(Reviewed, Encoding.UTF8, "application/yaml"));
            Assert.True(stored.IsSuccessStatusCode, await stored.Content.ReadAsStringAsync());
        }

        string artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts", "dashboard");
        if (Directory.Exists(artifacts))
        {
            Directory.Delete(artifacts, recursive: true);
        }

        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "tests", "DurableCrews.Tests", "Dashboard", "dashboard.e2e.mjs"));
        start.ArgumentList.Add(new Uri(serve.Address, "/").ToString().TrimEnd('/'));
        start.ArgumentList.Add(artifacts);
        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await node.WaitForExitAsync(timeout.Token);

        Assert.True(node.ExitCode == 0, $"{await stdout}\n{await stderr}");
        Assert.Equal(
            ["01-runs.png", "02-hierarchical-running.png", "03-hierarchical-completed.png", "04-replayed.png", "05-human-input-waiting.png", "06-human-input-approved.png", "07-terminated.png", "08-runs-filtered.png"],
            Directory.GetFiles(artifacts).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
