using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace DurableCrews.Cli.Serve;

/// <summary>Checks that a request carries one of the server's API keys, as <c>Authorization: Bearer KEY</c> or <c>x-api-key: KEY</c>.</summary>
internal sealed class ApiKeyCheck(IReadOnlyList<string> keys)
{
    /// <summary>The header that may carry a key instead of <c>Authorization</c>.</summary>
    public const string KeyHeader = "x-api-key";

    /// <summary>Whether any key is configured; without one, every request passes.</summary>
    public bool Required => keys.Count > 0;

    /// <summary>Whether the request carries a configured key (compared in constant time).</summary>
    public bool Allows(HttpRequest request)
    {
        if (!Required)
        {
            return true;
        }

        string? given = request.Headers[KeyHeader].FirstOrDefault();
        if (given is null && request.Headers.Authorization.FirstOrDefault() is { } authorization
            && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            given = authorization["Bearer ".Length..].Trim();
        }

        if (string.IsNullOrEmpty(given))
        {
            return false;
        }

        byte[] candidate = Encoding.UTF8.GetBytes(given);
        bool match = false;
        foreach (string key in keys)
        {
            match |= CryptographicOperations.FixedTimeEquals(candidate, Encoding.UTF8.GetBytes(key));
        }

        return match;
    }
}
