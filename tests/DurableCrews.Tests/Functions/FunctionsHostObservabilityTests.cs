using System.Net;
using DurableCrews.Dashboard;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Functions;

/// <summary>
/// What an operator sees of the Functions app in the real host: the dashboard page behind the function key, walked in
/// headless Chromium against the app's API, and the app's traces and metrics exported to an OTLP receiver.
/// </summary>
[Collection(FunctionsHostCollection.Name)]
public sealed class FunctionsHostObservabilityTests(FunctionsHostFixture fixture)
{
    [SkippableFact]
    public async Task The_dashboard_at_api_dashboard_starts_watches_approves_and_terminates_runs_in_headless_chromium()
    {
        var host = fixture.Host;
        DashboardE2e.RequireChromium();
        await FunctionsHostRunTests.PutReviewedAsync(host);
        using var keyless = new HttpClient { BaseAddress = host.Http.BaseAddress };

        using var page = await host.Http.GetAsync("dashboard");
        using var withoutKey = await keyless.GetAsync("dashboard");
        var screenshots = await DashboardE2e.WalkAsync($"http://127.0.0.1:{host.Port}", Path.Combine(AppContext.BaseDirectory, "artifacts", "functions-dashboard"), $"/api/dashboard?code={Uri.EscapeDataString(host.FunctionKey ?? string.Empty)}");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(DashboardPage.ContentSecurityPolicy, string.Join(";", page.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(DashboardE2e.Screenshots, screenshots);
    }

    static bool Contains(StubRequest request, params string[] texts) =>
        texts.All(t => request.Body.Contains(t, StringComparison.Ordinal));

    [SkippableFact]
    public async Task Traces_and_metrics_of_a_run_are_exported_over_otlp_http_when_the_endpoint_is_set()
    {
        var host = fixture.Host;

        using var run = await host.PostJsonAsync("crews/contextual-workflow/kickoff?wait=60", """{"inputs":{"base_topic":"telemetry"},"runId":"fh-otlp"}""");
        Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        bool Exported() =>
            fixture.Otlp.Requests.Any(r => r.Path == "/v1/traces" && Contains(r, "crew.run contextual-workflow", "fh-otlp", "durablecrews-functions-test"))
            && fixture.Otlp.Requests.Any(r => r.Path == "/v1/metrics" && Contains(r, "durablecrews.runs.ended"));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!Exported() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        Assert.True(Exported(), $"the receiver got {fixture.Otlp.Requests.Count} request(s) without the run's span and the runs-ended metric");
    }
}
