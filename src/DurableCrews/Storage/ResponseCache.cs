using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace DurableCrews.Storage;

/// <summary>
/// Model responses cached in the <c>crew-cache</c> container as <c>{sha256}.json</c>, keyed by a hash of the
/// model, the messages, the tools and the request parameters. Only successful responses are written.
/// </summary>
public sealed class ResponseCache
{
    readonly IBlobStore blobs;

    /// <summary>Creates the cache over a blob store.</summary>
    public ResponseCache(IBlobStore blobs)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        this.blobs = blobs;
    }

    /// <summary>The cache key of a request: the SHA-256 of the model, messages, tools and parameters.</summary>
    public static string KeyOf(string model, IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = new
        {
            model,
            messages = messages.Select(m => new { role = m.Role.Value, contents = m.Contents }).ToList(),
            tools = options?.Tools?.Select(t => new { t.Name, t.Description, schema = (t as AIFunctionDeclaration)?.JsonSchema }).ToList(),
            options?.Temperature,
            options?.TopP,
            options?.MaxOutputTokens,
            options?.Seed,
            format = options?.ResponseFormat?.GetType().Name,
            options?.ToolMode,
        };
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(request, AIJsonUtilities.DefaultOptions);
        return Convert.ToHexStringLower(SHA256.HashData(json));
    }

    /// <summary>The cached response for a key; null on a miss.</summary>
    public async Task<ChatResponse?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var blob = await blobs.GetAsync(BlobNames.CacheContainer, BlobOf(key), cancellationToken).ConfigureAwait(false);
        return blob is null ? null : JsonSerializer.Deserialize<ChatResponse>(blob.Content.ToMemory().Span, AIJsonUtilities.DefaultOptions);
    }

    /// <summary>Stores a response under its key.</summary>
    public Task SaveAsync(string key, ChatResponse response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        var content = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(response, AIJsonUtilities.DefaultOptions));
        return blobs.PutAsync(BlobNames.CacheContainer, BlobOf(key), content, cancellationToken: cancellationToken);
    }

    static string BlobOf(string key) =>
        key.Length == 64 && key.All(char.IsAsciiHexDigitLower) ? $"{key}.json" : throw new ArgumentException("A cache key is a lower-case SHA-256 in hex.", nameof(key));
}
