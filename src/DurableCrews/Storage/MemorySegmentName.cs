using System.Globalization;

namespace DurableCrews.Storage;

/// <summary>
/// A segment blob's name, <c>{scope}/{key}.{records}.seg</c>: the key orders segments (the time of the save in hex
/// ticks and a random part; a compacted segment takes the key of the last segment it replaced and a suffix, so it
/// keeps their place), and the record count lets compaction choose segments from a listing alone.
/// </summary>
internal sealed record MemorySegmentName(string Name, string Key, int Records)
{
    /// <summary>The suffix of every segment blob.</summary>
    public const string Suffix = ".seg";

    /// <summary>A new segment's name for a save made at <paramref name="at"/>.</summary>
    public static MemorySegmentName ForSave(string prefix, DateTimeOffset at, int records) =>
        Create(prefix, $"{Math.Max(0, at.UtcTicks):x16}-{Random.Shared.Next():x8}", records);

    /// <summary>The name of a segment compacted from others, whose last (in order) is <paramref name="last"/>.</summary>
    public static MemorySegmentName ForCompaction(string prefix, MemorySegmentName last, int records) =>
        Create(prefix, $"{last.Key}~{Random.Shared.Next():x8}", records);

    /// <summary>The name a migrated single-index blob's records take: before every save.</summary>
    public static MemorySegmentName ForMigration(string prefix, string etag, int records) =>
        Create(prefix, $"{0L:x16}-{(uint)StableHash(etag):x8}", records);

    /// <summary>Reads a listed blob name; null when it is not a segment of the scope.</summary>
    public static MemorySegmentName? Parse(string prefix, string name)
    {
        if (!name.StartsWith(prefix + "/", StringComparison.Ordinal) || !name.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return null;
        }

        string rest = name[(prefix.Length + 1)..^Suffix.Length];
        int dot = rest.LastIndexOf('.');
        return dot > 0 && !rest.AsSpan(0, dot).ContainsAny(['.', '/'])
            && int.TryParse(rest.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int records)
            ? new MemorySegmentName(name, rest[..dot], records)
            : null;
    }

    static MemorySegmentName Create(string prefix, string key, int records) =>
        new($"{prefix}/{key}.{records.ToString(CultureInfo.InvariantCulture)}{Suffix}", key, records);

    static int StableHash(string text)
    {
        unchecked
        {
            int hash = (int)2166136261;
            foreach (char c in text)
            {
                hash = (hash ^ c) * 16777619;
            }

            return hash;
        }
    }
}
