using System.Security.Cryptography;
using System.Text;
using DurableCrews.Runs;

namespace DurableCrews.Storage;

/// <summary>
/// Tool results cached in the <c>crew-cache</c> container as <c>{sha256}.json</c>, keyed by the crew, the tool's name and
/// its arguments, for crews with <c>cache: true</c>. Only results that succeeded are written. The delegation tools are
/// tools too: a coworker's answer to the same request in an earlier run is reused without running the coworker.
/// </summary>
public sealed class ToolResultCache
{
    readonly IBlobStore blobs;

    /// <summary>Creates the cache over a blob store.</summary>
    public ToolResultCache(IBlobStore blobs)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        this.blobs = blobs;
    }

    /// <summary>The key of a tool call: the SHA-256 of the crew, the tool and its arguments, in order.</summary>
    public static string KeyOf(string crew, string tool, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        string text = string.Join('\u001f', new[] { "tool", crew, tool }.Concat(arguments.Select(a => a.Trim())));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The cached result for a key; null on a miss.</summary>
    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = await blobs.GetAsync(BlobNames.CacheContainer, BlobOf(key), cancellationToken).ConfigureAwait(false);
        return blob is null ? null : CrewJson.FromBinary<CachedToolResult>(blob.Content).Result;
    }

    /// <summary>Stores a tool's successful result under its key.</summary>
    public Task SaveAsync(string key, string tool, string result, CancellationToken cancellationToken = default) =>
        blobs.PutAsync(BlobNames.CacheContainer, BlobOf(key), CrewJson.ToBinary(new CachedToolResult(tool, result)), cancellationToken: cancellationToken);

    static string BlobOf(string key) =>
        key.Length == 64 && key.All(char.IsAsciiHexDigitLower) ? $"{key}.json" : throw new ArgumentException("A cache key is a lower-case SHA-256 in hex.", nameof(key));

    /// <summary>A cached tool result as stored.</summary>
    /// <param name="Tool">The tool that produced it.</param>
    /// <param name="Result">What it answered.</param>
    sealed record CachedToolResult(string Tool, string Result);
}
