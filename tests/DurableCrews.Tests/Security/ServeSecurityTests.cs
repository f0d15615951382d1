using System.Net;
using DurableCrews.Cli;
using DurableCrews.Cli.Serve;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace DurableCrews.Tests.Security;

/// <summary><c>durablecrews serve</c> beyond loopback needs API keys, and with keys every request must carry one.</summary>
public sealed class ServeSecurityTests
{
    [Fact]
    public async Task Serve_refuses_to_listen_beyond_loopback_without_keys()
    {
        using var folder = new TempFolder();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DurableCrews:Storage:LocalPath"] = folder.Path }).Build();

        int exit = await CliApp.RunAsync(["serve", "--host", "0.0.0.0", "--port", "0"], stdout, stderr, configuration);

        Assert.Equal(CliApp.Invalid, exit);
        Assert.Contains("DurableCrews__Api__Keys", stderr.ToString());
    }

    [Fact]
    public async Task With_keys_a_request_needs_a_bearer_token_or_an_api_key_header()
    {
        await using var engine = await EngineHarness.StartAsync(settings: new Dictionary<string, string?> { ["DurableCrews:Api:Keys"] = "first-key, second-key" });
        await using var server = await CrewServer.StartAsync(engine.Engine, IPAddress.Any, 0);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.Address.Port}/api/") };

        var none = await http.GetAsync("crews");
        var wrong = await SendAsync(http, "Authorization", "Bearer nope");
        var bearer = await SendAsync(http, "Authorization", "Bearer second-key");
        var header = await SendAsync(http, "x-api-key", "first-key");

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, header.StatusCode);
    }

    static Task<HttpResponseMessage> SendAsync(HttpClient http, string header, string value)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "crews");
        request.Headers.TryAddWithoutValidation(header, value);
        return http.SendAsync(request);
    }
}
