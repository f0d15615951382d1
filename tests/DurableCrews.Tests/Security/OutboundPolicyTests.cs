using System.Net;
using DurableCrews.Outbound;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Security;

/// <summary>The destination policy: by URL text when a URL is given, and on resolved addresses and redirects when a request is sent.</summary>
public sealed class OutboundPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("10.0.0.1", "private")]
    [InlineData("172.31.255.255", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("169.254.169.254", "link-local (cloud metadata)")]
    [InlineData("100.100.100.200", "shared (carrier-grade NAT)")]
    [InlineData("0.0.0.0", "this-network")]
    [InlineData("fd00:ec2::254", "unique-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("::ffff:169.254.169.254", "link-local (cloud metadata)")]
    [InlineData("64:ff9b::7f00:1", "loopback")]
    [InlineData("2002:7f00:1::", "loopback")]
    public void Internal_addresses_are_blocked(string address, string kind) =>
        Assert.Equal(kind, BlockedAddresses.KindOf(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700::1111")]
    public void Public_addresses_are_not_blocked(string address) =>
        Assert.Null(BlockedAddresses.KindOf(IPAddress.Parse(address)));

    [Theory]
    [InlineData("https://hooks.example.com/x", true)]
    [InlineData("http://hooks.example.com/x", false)]
    [InlineData("https://user:pw@hooks.example.com/x", false)]
    [InlineData("https://2130706433/x", false)]
    [InlineData("https://0x7f.1/x", false)]
    [InlineData("https://printer.local/x", false)]
    [InlineData("ftp://hooks.example.com/x", false)]
    public void Urls_are_checked_as_text(string url, bool allowed) =>
        Assert.Equal(allowed, DestinationPolicy.Strict.Check(url, out _) is null);

    [Fact]
    public void Allowed_hosts_may_use_http_and_internal_addresses_and_wildcards_cover_subdomains()
    {
        var policy = new DestinationPolicy(["127.0.0.1, *.corp.example"]);

        Assert.Null(policy.Check("http://127.0.0.1:8080/hook", out _));
        Assert.Null(policy.Check("http://a.b.corp.example/hook", out _));
        Assert.NotNull(policy.Check("http://corp.example.evil.test/hook", out _));
    }

    [Fact]
    public async Task A_name_that_resolves_to_an_internal_address_is_refused_when_the_request_is_sent()
    {
        // Names from /etc/hosts pass the text check and resolve, without any network, to addresses of this machine.
        string? name = null;
        foreach (string candidate in new[] { "ip6-localhost", "ip6-loopback", Dns.GetHostName() })
        {
            var resolved = await Dns.GetHostAddressesAsync(candidate).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : [], TaskScheduler.Default);
            if (resolved.Length > 0 && resolved.All(a => BlockedAddresses.KindOf(a) is not null))
            {
                name = candidate;
                break;
            }
        }

        Assert.NotNull(name);
        Assert.Null(DestinationPolicy.Strict.Check($"https://{name}/hook", out _));
        using var client = new HttpClient(DestinationPolicy.Strict.CreateHandler());

        var failed = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync($"https://{name}/hook"));

        var refused = Assert.IsType<DestinationRefusedException>(failed.InnerException);
        Assert.Contains(name, refused.Message);
    }

    [Fact]
    public async Task Redirects_are_not_followed()
    {
        await using var stub = await HttpStub.StartAsync(_ => (302, string.Empty, new Dictionary<string, string> { ["Location"] = "http://169.254.169.254/latest/meta-data/" }));
        using var client = new HttpClient(new DestinationPolicy(["127.0.0.1"]).CreateHandler());

        var response = await client.GetAsync(new Uri(stub.BaseAddress, "hook"));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Single(stub.Requests);
    }
}
