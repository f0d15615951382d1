using System.Net;
using System.Net.Sockets;

namespace DurableCrews.Outbound;

/// <summary>
/// The addresses that requests on a user's behalf never reach unless their host is allowed: the machine itself,
/// private and shared networks, link-local addresses (the cloud metadata endpoints among them), unique-local
/// IPv6, multicast and reserved ranges, and IPv6 forms that embed one of those IPv4 addresses.
/// </summary>
public static class BlockedAddresses
{
    static readonly (byte[] Prefix, int Bits, string Kind)[] V4 =
    [
        ([0, 0, 0, 0], 8, "this-network"),
        ([10, 0, 0, 0], 8, "private"),
        ([100, 64, 0, 0], 10, "shared (carrier-grade NAT)"),
        ([127, 0, 0, 0], 8, "loopback"),
        ([169, 254, 0, 0], 16, "link-local (cloud metadata)"),
        ([172, 16, 0, 0], 12, "private"),
        ([192, 0, 0, 0], 24, "IETF protocol assignments"),
        ([192, 0, 2, 0], 24, "documentation"),
        ([192, 168, 0, 0], 16, "private"),
        ([198, 18, 0, 0], 15, "benchmarking"),
        ([198, 51, 100, 0], 24, "documentation"),
        ([203, 0, 113, 0], 24, "documentation"),
        ([224, 0, 0, 0], 4, "multicast"),
        ([240, 0, 0, 0], 4, "reserved"),
    ];

    static readonly (byte[] Prefix, int Bits, string Kind)[] V6 =
    [
        ([0xfc], 7, "unique-local"),
        ([0xfe, 0x80], 10, "link-local"),
        ([0xfe, 0xc0], 10, "site-local"),
        ([0x20, 0x01, 0x0d, 0xb8], 32, "documentation"),
        ([0xff], 8, "multicast"),
    ];

    /// <summary>Why <paramref name="address"/> is refused (<c>loopback</c>, <c>private</c>, …); null when it may be reached.</summary>
    public static string? KindOf(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return KindOf(address.MapToIPv4());
        }

        byte[] bytes = address.GetAddressBytes();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return Match(bytes, V4);
        }

        if (IPAddress.IPv6Loopback.Equals(address))
        {
            return "loopback";
        }

        if (IPAddress.IPv6None.Equals(address))
        {
            return "unspecified";
        }

        // NAT64 (64:ff9b::/96), 6to4 (2002::/16) and IPv4-compatible (::/96) addresses reach the IPv4 address inside them.
        if (bytes[0] == 0 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b && bytes.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
        {
            return KindOf(new IPAddress(bytes.AsSpan(12, 4)));
        }

        if (bytes[0] == 0x20 && bytes[1] == 0x02)
        {
            return KindOf(new IPAddress(bytes.AsSpan(2, 4)));
        }

        if (bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
        {
            return KindOf(new IPAddress(bytes.AsSpan(12, 4)));
        }

        return Match(bytes, V6);
    }

    static string? Match(byte[] bytes, (byte[] Prefix, int Bits, string Kind)[] ranges)
    {
        foreach (var (prefix, bits, kind) in ranges)
        {
            if (StartsWith(bytes, prefix, bits))
            {
                return kind;
            }
        }

        return null;
    }

    static bool StartsWith(byte[] bytes, byte[] prefix, int bits)
    {
        for (int bit = 0; bit < bits; bit++)
        {
            int mask = 0x80 >> (bit % 8);
            if ((bytes[bit / 8] & mask) != (prefix[bit / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }
}
