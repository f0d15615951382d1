using DurableCrews.Configuration;

namespace DurableCrews.Storage;

/// <summary>
/// How crew memory is kept and searched, bound from <c>DurableCrews:Memory</c> (environment variables
/// <c>DurableCrews__Memory__*</c>).
/// </summary>
public sealed record MemoryOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "DurableCrews:Memory";

    /// <summary>How new segments keep their vectors; segments already written keep theirs.</summary>
    public MemoryEncoding Encoding { get; init; } = MemoryEncoding.Int8;

    /// <summary>
    /// How much memory the decoded segments of one worker may hold, in megabytes; the least recently used go first.
    /// 100,000 memories of 1,536 dimensions take about 250 MB in int8, a million of 384 about 800 MB.
    /// </summary>
    public int CacheMegabytes { get; init; } = 1024;

    /// <summary>How many segments a scope may gather before the end of a run compacts them.</summary>
    public int CompactAfterSegments { get; init; } = 16;

    /// <summary>Segments with this many records or more are never merged again (bounds what one compaction holds).</summary>
    public int MaxSegmentRecords { get; init; } = 262_144;

    /// <summary>The rules these settings must keep, checked when the host starts (by <see cref="OptionsValidator{TOptions}"/>).</summary>
    public static void Check(MemoryOptions options, OptionsProblems problems)
    {
        problems
            .AtLeast(nameof(CacheMegabytes), options.CacheMegabytes, 1)
            .AtLeast(nameof(CompactAfterSegments), options.CompactAfterSegments, 2)
            .AtLeast(nameof(MaxSegmentRecords), options.MaxSegmentRecords, 1)
            .Unless(Enum.IsDefined(options.Encoding), nameof(Encoding), $"must be one of {string.Join(", ", Enum.GetNames<MemoryEncoding>())}, not {options.Encoding}");
    }
}
