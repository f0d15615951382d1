using System.Net;
using System.Net.Sockets;

namespace DurableCrews.Outbound;

/// <summary>
/// The one rule for every request the project sends on a user's behalf (webhooks now, tools later): https only, and
/// never to loopback, private, link-local, unique-local or cloud metadata names and addresses, unless the host is
/// explicitly allowed (<see cref="OutboundOptions.AllowedHosts"/>, plus the allow-list of the kind of call). A URL is
/// checked as text when it is given (so a kickoff or a crew is refused with the field's path), and again on the
/// addresses its name resolves to when the request is sent, through <see cref="CreateHandler"/>, which follows no
/// redirects.
/// </summary>
public sealed class DestinationPolicy
{
    /// <summary>The setting that allows hosts for every kind of outbound call.</summary>
    public const string AllowedHostsSetting = "DurableCrews__Outbound__AllowedHosts";

    /// <summary>Host names that reach the machine itself or a cloud's instance metadata, whatever they resolve to here.</summary>
    static readonly string[] BlockedNames = ["localhost", "metadata", "metadata.google.internal", "instance-data", "metadata.azure.internal"];

    /// <summary>Name suffixes that never leave the machine or the private network.</summary>
    static readonly string[] BlockedSuffixes = [".localhost", ".internal", ".local", ".home.arpa"];

    const string NotAUrl = "must be an absolute http or https URL";

    const string BlockedNameKind = "a name of this machine, a private network or a cloud metadata service";

    readonly HashSet<string> exactHosts = new(StringComparer.OrdinalIgnoreCase);
    readonly List<string> wildcardSuffixes = [];

    /// <summary>Creates the policy with the hosts allowed for this kind of call.</summary>
    /// <param name="allowedHosts">Comma-separated allow-lists (names, <c>*.suffix</c> wildcards, addresses); nulls are skipped.</param>
    /// <param name="allowSetting">The setting to name in refusals, so that a user knows what to change.</param>
    public DestinationPolicy(IEnumerable<string?> allowedHosts, string allowSetting = AllowedHostsSetting)
    {
        ArgumentNullException.ThrowIfNull(allowedHosts);
        AllowSetting = allowSetting;
        foreach (string entry in allowedHosts.SelectMany(list => (list ?? string.Empty).Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            string host = entry.Trim('[', ']').TrimEnd('.');
            if (host.StartsWith("*.", StringComparison.Ordinal))
            {
                wildcardSuffixes.Add(host[1..]);
            }
            else
            {
                exactHosts.Add(host);
            }
        }
    }

    /// <summary>The policy with no host allowed: only public https destinations.</summary>
    public static DestinationPolicy Strict { get; } = new([]);

    /// <summary>The setting named in refusals.</summary>
    public string AllowSetting { get; }

    /// <summary>Whether <paramref name="host"/> is explicitly allowed (and so may use http and internal addresses).</summary>
    public bool IsAllowed(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        string bare = host.Trim('[', ']').TrimEnd('.');
        return exactHosts.Contains(bare) || wildcardSuffixes.Any(suffix => bare.EndsWith(suffix, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Reads and checks a URL given by a user; the reason it is refused, or null with the URL when it may be used.</summary>
    public string? Check(string? text, out Uri? url)
    {
        url = null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var parsed))
        {
            return NotAUrl;
        }

        string? refused = Check(parsed);
        url = refused is null ? parsed : null;
        return refused;
    }

    /// <summary>Why <paramref name="url"/> is refused, as far as its text tells; null when it may be used.</summary>
    public string? Check(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || url.Host.Length == 0)
        {
            return NotAUrl;
        }

        if (url.UserInfo.Length > 0)
        {
            return "must not carry credentials in the URL; send them as headers from settings";
        }

        string host = url.IdnHost.Trim('[', ']').TrimEnd('.');
        if (IsAllowed(host))
        {
            return null;
        }

        if (url.Scheme != Uri.UriSchemeHttps)
        {
            return $"must use https ('{host}' was checked); plain http is allowed only for hosts listed in {AllowSetting}: an operator can add '{host}' there";
        }

        if (IPAddress.TryParse(host, out var address))
        {
            return BlockedAddresses.KindOf(address) is { } kind ? Refusal(host, $"a {kind} address") : null;
        }

        return IsBlockedName(host) ? Refusal(host, BlockedNameKind) : null;
    }

    /// <summary>
    /// An HTTP handler that sends only where this policy allows: it checks each connection's host and every address that
    /// host resolves to, connects to the address it checked (so a name cannot resolve differently between the check and
    /// the connection), follows no redirects and uses no proxy.
    /// </summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ConnectCallback = ConnectAsync,
    };

    async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        string host = context.DnsEndPoint.Host.Trim('[', ']').TrimEnd('.');
        bool allowed = IsAllowed(host);
        bool isLiteral = IPAddress.TryParse(host, out var literal);
        if (!allowed && !isLiteral && IsBlockedName(host))
        {
            throw new DestinationRefusedException(Refusal(host, BlockedNameKind));
        }

        IPAddress[] addresses = isLiteral ? [literal!] : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (!allowed)
        {
            // Every address must be public: a name that resolves to a public and a private address could be steered.
            foreach (var address in addresses)
            {
                if (BlockedAddresses.KindOf(address) is { } kind)
                {
                    throw new DestinationRefusedException(Refusal(host, $"a {kind} address ({address})"));
                }
            }
        }

        if (addresses.Length == 0)
        {
            throw new DestinationRefusedException($"'{host}' resolves to no address.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    static bool IsBlockedName(string host) =>
        BlockedNames.Contains(host, StringComparer.OrdinalIgnoreCase) || BlockedSuffixes.Any(s => host.EndsWith(s, StringComparison.OrdinalIgnoreCase));

    string Refusal(string host, string what) =>
        $"'{host}' is {what}, which requests on a user's behalf may not reach; an operator can allow it by adding '{host}' to {AllowSetting}";
}
