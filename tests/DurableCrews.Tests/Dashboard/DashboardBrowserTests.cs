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
        DashboardE2e.RequireChromium();

        using var folder = new TempFolder();
        await using var serve = await ServeProcess.StartAsync(new Dictionary<string, string>
        {
            ["DurableCrews__Storage__LocalPath"] = folder.Path,
            ["DurableCrews__Model__OfflineLatencyMs"] = "300",
        });
        using (var http = new HttpClient { BaseAddress = serve.Address })
        {
            var stored = await http.PutAsync("crews/reviewed", new StringContent(DashboardE2e.ReviewedCrew, Encoding.UTF8, "application/yaml"));
            Assert.True(stored.IsSuccessStatusCode, await stored.Content.ReadAsStringAsync());
        }

        var screenshots = await DashboardE2e.WalkAsync(new Uri(serve.Address, "/").ToString().TrimEnd('/'), Path.Combine(AppContext.BaseDirectory, "artifacts", "dashboard"));

        Assert.Equal(DashboardE2e.Screenshots, screenshots);
    }
}
