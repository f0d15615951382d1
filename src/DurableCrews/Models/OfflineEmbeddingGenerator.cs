using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace DurableCrews.Models;

/// <summary>
/// A deterministic, local, <em>lexical</em> embedding: words and word pairs hashed into a fixed-size vector
/// (signed feature hashing, sub-linear term weights, unit length). Texts that share words come out close;
/// synonyms and paraphrases do not. It needs nothing and says what it is; use a real embeddings model for
/// semantic recall.
/// </summary>
public sealed partial class OfflineEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The vector length when none is asked for.</summary>
    public const int DefaultDimensions = 384;

    static readonly HashSet<string> StopWords =
    [
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "in", "is", "it", "its", "of", "on",
        "or", "that", "the", "this", "to", "was", "were", "will", "with", "we", "you", "your", "our", "i",
    ];

    /// <summary>Creates the generator.</summary>
    public OfflineEmbeddingGenerator(int dimensions = DefaultDimensions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 8);
        Dimensions = dimensions;
    }

    /// <summary>The vector length.</summary>
    public int Dimensions { get; }

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var embeddings = new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(Embed(v)) { ModelId = "offline-lexical" }));
        return Task.FromResult(embeddings);
    }

    /// <summary>The vector of one text.</summary>
    public float[] Embed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        string? previous = null;
        foreach (Match match in Word().Matches(text.ToLowerInvariant()))
        {
            string word = match.Value;
            if (StopWords.Contains(word))
            {
                previous = null;
                continue;
            }

            Count(counts, word);
            if (previous is not null)
            {
                Count(counts, previous + " " + word);
            }

            previous = word;
        }

        var vector = new float[Dimensions];
        Span<byte> hash = stackalloc byte[32];
        foreach (var (feature, count) in counts)
        {
            SHA256.HashData(Encoding.UTF8.GetBytes(feature), hash);
            uint bucket = BinaryPrimitives.ReadUInt32LittleEndian(hash) % (uint)Dimensions;
            float sign = (hash[4] & 1) == 0 ? 1f : -1f;
            float weight = (1f + MathF.Log(count)) * (feature.Contains(' ', StringComparison.Ordinal) ? 0.5f : 1f);
            vector[bucket] += sign * weight;
        }

        float norm = MathF.Sqrt(vector.Sum(v => v * v));
        if (norm > 0)
        {
            for (int i = 0; i < vector.Length; i++)
            {
                vector[i] /= norm;
            }
        }

        return vector;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType?.IsInstanceOfType(this) == true ? this : null;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    static void Count(Dictionary<string, int> counts, string feature) =>
        counts[feature] = counts.GetValueOrDefault(feature) + 1;

    [GeneratedRegex(@"[\p{L}\p{Nd}][\p{L}\p{Nd}_\-]*")]
    private static partial Regex Word();
}
