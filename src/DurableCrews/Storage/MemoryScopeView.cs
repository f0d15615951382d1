using System.Runtime.InteropServices;

namespace DurableCrews.Storage;

/// <summary>
/// The merged view of one scope's live segments, in order: a record is live when it is the last row with its id and
/// not a deletion; an entity's text joins the texts of its versions since its last deletion. Search scans the
/// compact vectors (int8 dot products with SIMD, in parallel for large scopes), keeps the best candidates, and
/// rescores them against the full-precision query.
/// </summary>
internal sealed class MemoryScopeView
{
    const int RowsPerChunk = 16_384;
    const long ParallelWork = 4_000_000;

    readonly Dictionary<string, long> latest;
    readonly Dictionary<string, List<long>>? versions;

    MemoryScopeView(MemoryKind kind, IReadOnlyList<MemorySegment> segments, IReadOnlyList<string> listed, Dictionary<string, long> latest, Dictionary<string, List<long>>? versions)
    {
        Kind = kind;
        Segments = segments;
        Listed = listed;
        this.latest = latest;
        this.versions = versions;
    }

    /// <summary>The scope's kind.</summary>
    public MemoryKind Kind { get; }

    /// <summary>The live segments, in order.</summary>
    public IReadOnlyList<MemorySegment> Segments { get; }

    /// <summary>Every segment name the listing showed (live or replaced), to tell whether a new listing changes anything.</summary>
    public IReadOnlyList<string> Listed { get; }

    /// <summary>How many live records the scope has.</summary>
    public int Count => latest.Values.Count(location => !Segments[Segment(location)].IsTombstone(Row(location)));

    /// <summary>A view of <paramref name="segments"/>; extends <paramref name="previous"/> when they only add newer segments to it.</summary>
    public static MemoryScopeView Build(MemoryKind kind, IReadOnlyList<MemorySegment> segments, IReadOnlyList<string> listed, MemoryScopeView? previous)
    {
        bool extends = previous is not null && previous.Segments.Count <= segments.Count
            && previous.Segments.Select((s, i) => ReferenceEquals(s, segments[i])).All(same => same);
        var latest = extends ? new Dictionary<string, long>(previous!.latest, StringComparer.Ordinal) : new Dictionary<string, long>(StringComparer.Ordinal);
        var versions = kind != MemoryKind.Entity ? null
            : extends ? previous!.versions!.ToDictionary(p => p.Key, p => p.Value.ToList(), StringComparer.Ordinal)
            : new Dictionary<string, List<long>>(StringComparer.Ordinal);
        for (int s = extends ? previous!.Segments.Count : 0; s < segments.Count; s++)
        {
            var segment = segments[s];
            for (int row = 0; row < segment.Count; row++)
            {
                string id = segment.Ids[row];
                long location = Location(s, row);
                latest[id] = location;
                if (versions is null)
                {
                    continue;
                }

                if (segment.IsTombstone(row))
                {
                    versions.Remove(id);
                }
                else
                {
                    (CollectionsMarshal.GetValueRefOrAddDefault(versions, id, out _) ??= []).Add(location);
                }
            }
        }

        return new MemoryScopeView(kind, segments, listed, latest, versions);
    }

    /// <summary>Every live record, in the order they were saved.</summary>
    public IReadOnlyList<MemoryRecord> Records()
    {
        var records = new List<MemoryRecord>();
        for (int s = 0; s < Segments.Count; s++)
        {
            for (int row = 0; row < Segments[s].Count; row++)
            {
                if (IsLive(s, row))
                {
                    records.Add(Materialize(s, row));
                }
            }
        }

        return records;
    }

    /// <summary>An entity's text joined over its versions since its last deletion (texts already contained are skipped); null when it has one.</summary>
    public string? MergedText(int segment, int row)
    {
        if (versions is null || !versions.TryGetValue(Segments[segment].Ids[row], out var all) || all.Count < 2)
        {
            return null;
        }

        string joined = string.Empty;
        foreach (long location in all)
        {
            string text = Segments[Segment(location)].Text(Row(location));
            if (text.Contains(joined, StringComparison.Ordinal))
            {
                joined = text; // a compacted version already holds the texts before it
            }
            else if (!joined.Contains(text, StringComparison.Ordinal))
            {
                joined = $"{joined} {text}";
            }
        }

        return joined;
    }

    /// <summary>The record at a location, with an entity's versions merged.</summary>
    public MemoryRecord Materialize(int segment, int row) => Segments[segment].Record(row, MergedText(segment, row));

    /// <summary>Whether the row is the latest of its id and a memory rather than a deletion.</summary>
    public bool IsLive(int segment, int row) => !Segments[segment].IsTombstone(row) && IsLatest(segment, row);

    /// <summary>
    /// Whether compaction must keep a row so that the view stays the same: the latest row of an id; every version of an
    /// entity since its last deletion (their texts are joined); and deletions, unless the merged segments are the oldest
    /// (<paramref name="fromTheStart"/>: nothing before them is left to delete).
    /// </summary>
    public bool Survives(int segment, int row, bool fromTheStart) =>
        Segments[segment].IsTombstone(row) ? !fromTheStart
        : IsLatest(segment, row) || (versions is not null && versions.TryGetValue(Segments[segment].Ids[row], out var all) && all.Contains(Location(segment, row)));

    /// <summary>Whether no later row has the same id.</summary>
    public bool IsLatest(int segment, int row) =>
        latest.TryGetValue(Segments[segment].Ids[row], out long location) && location == Location(segment, row);

    /// <summary>The best <paramref name="candidates"/> live rows for the query by their compact vectors, then rescored at full precision.</summary>
    public List<MemoryMatch> Search(float[] query, int candidates)
    {
        var compact = new CompactQuery(query);
        var chunks = new List<(int Segment, int From, int To)>();
        long work = 0;
        for (int s = 0; s < Segments.Count; s++)
        {
            if (Segments[s].Dimensions != query.Length)
            {
                continue;
            }

            for (int from = 0; from < Segments[s].Count; from += RowsPerChunk)
            {
                chunks.Add((s, from, Math.Min(Segments[s].Count, from + RowsPerChunk)));
            }

            work += (long)Segments[s].Count * query.Length;
        }

        var best = new PriorityQueue<long, float>();
        if (work < ParallelWork || Environment.ProcessorCount == 1)
        {
            foreach (var chunk in chunks)
            {
                Scan(chunk, compact, best, candidates);
            }
        }
        else
        {
            var found = new List<PriorityQueue<long, float>>();
            Parallel.ForEach(chunks, () => new PriorityQueue<long, float>(), (chunk, _, local) =>
            {
                Scan(chunk, compact, local, candidates);
                return local;
            }, local =>
            {
                lock (found)
                {
                    found.Add(local);
                }
            });
            foreach (var (location, score) in found.SelectMany(q => q.UnorderedItems))
            {
                Offer(best, location, score, candidates);
            }
        }

        var buffer = new float[query.Length];
        return best.UnorderedItems
            .Select(item => (Location: item.Element, Score: Segments[Segment(item.Element)].Score(Row(item.Element), query, buffer)))
            .Select(item => new MemoryMatch(Materialize(Segment(item.Location), Row(item.Location)), Math.Round(item.Score, 6)))
            .ToList();
    }

    void Scan((int Segment, int From, int To) chunk, CompactQuery query, PriorityQueue<long, float> best, int candidates)
    {
        var segment = Segments[chunk.Segment];
        float[]? rented = segment.Encoding == MemoryEncoding.Float16 ? new float[segment.Dimensions] : null;
        var int8 = MemoryMarshal.Cast<byte, sbyte>(segment.Encoding == MemoryEncoding.Int8 ? segment.VectorSection : default);
        int dimensions = segment.Dimensions;
        for (int row = chunk.From; row < chunk.To; row++)
        {
            if (segment.Flags[row] != 0)
            {
                continue;
            }

            float score = segment.Encoding switch
            {
                MemoryEncoding.Int8 => VectorMath.Dot(int8.Slice(row * dimensions, dimensions), query.Widened) * segment.Scales[row] * query.Scale,
                _ => segment.Score(row, query.Vector, rented),
            };
            if (best.Count < candidates || score > PeekScore(best))
            {
                if (IsLive(chunk.Segment, row))
                {
                    Offer(best, Location(chunk.Segment, row), score, candidates);
                }
            }
        }
    }

    static void Offer(PriorityQueue<long, float> best, long location, float score, int candidates)
    {
        if (best.Count < candidates)
        {
            best.Enqueue(location, score);
        }
        else if (score > PeekScore(best))
        {
            best.EnqueueDequeue(location, score);
        }
    }

    static float PeekScore(PriorityQueue<long, float> best) => best.TryPeek(out _, out float score) ? score : float.NegativeInfinity;

    static long Location(int segment, int row) => ((long)segment << 32) | (uint)row;

    static int Segment(long location) => (int)(location >> 32);

    static int Row(long location) => (int)(location & 0xFFFFFFFF);

    /// <summary>A query in the forms the scan needs: floats, and int8 widened to 16 bits with its scale.</summary>
    sealed class CompactQuery
    {
        public CompactQuery(float[] vector)
        {
            Vector = vector;
            var quantized = new sbyte[vector.Length];
            Scale = VectorMath.Quantize(vector, quantized);
            Widened = VectorMath.Widen(quantized);
        }

        public float[] Vector { get; }

        public short[] Widened { get; }

        public float Scale { get; }
    }
}
