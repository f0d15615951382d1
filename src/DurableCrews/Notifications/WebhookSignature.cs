using System.Security.Cryptography;
using System.Text;

namespace DurableCrews.Notifications;

/// <summary>The <c>X-DurableCrews-Signature</c> header: <c>sha256=</c> and the hex HMAC-SHA256 of the body with the shared secret.</summary>
public static class WebhookSignature
{
    /// <summary>The header that carries the signature.</summary>
    public const string Header = "X-DurableCrews-Signature";

    /// <summary>The header that carries the delivery id.</summary>
    public const string DeliveryHeader = "X-DurableCrews-Delivery";

    /// <summary>The signature of a body.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
    }

    /// <summary>Whether a received signature matches the body (constant-time comparison).</summary>
    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? signature) =>
        signature is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, body)), Encoding.ASCII.GetBytes(signature));
}
