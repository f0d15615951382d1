using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace DurableCrews.Storage;

/// <summary>
/// One immutable memory segment, decoded: the records of one save (or of one compaction) with their vectors kept
/// compact. The blob is binary: a header (magic, dimensions, encoding, count, the segments a compaction replaced),
/// the records' metadata, a scale per vector, the vectors and (int8) their 4-bit residuals. Ids, kinds and times are decoded up front for the
/// merged view and ranking; a record's text is decoded only when it is returned.
/// </summary>
internal sealed class MemorySegment
{
    /// <summary>The first bytes of every segment blob.</summary>
    public static ReadOnlySpan<byte> Magic => "DCMSEG\0\u0001"u8;

    /// <summary>The most dimensions a vector may have.</summary>
    public const int MaxDimensions = 16_384;

    /// <summary>The most records one segment may hold.</summary>
    public const int MaxRecords = 16_000_000;

    /// <summary>A flag on a row that records a deletion rather than a memory.</summary>
    public const byte Tombstone = 1;

    // Slices of the blob as read (no copies): the metadata, the vectors and their residuals.
    readonly ReadOnlyMemory<byte> metadata;
    readonly int[] offsets;
    readonly ReadOnlyMemory<byte> vectors;
    readonly ReadOnlyMemory<byte> residuals;

    MemorySegment(string name, int dimensions, MemoryEncoding encoding, IReadOnlyList<string> replaces, string[] ids, MemoryKind[] kinds, byte[] flags, long[] createdAt, ReadOnlyMemory<byte> metadata, int[] offsets, float[] scales, ReadOnlyMemory<byte> vectors, ReadOnlyMemory<byte> residuals)
    {
        Name = name;
        Dimensions = dimensions;
        Encoding = encoding;
        Replaces = replaces;
        Ids = ids;
        Kinds = kinds;
        Flags = flags;
        CreatedAt = createdAt;
        this.metadata = metadata;
        this.offsets = offsets;
        Scales = scales;
        this.vectors = vectors;
        this.residuals = residuals;
        Bytes = 256L + metadata.Length + vectors.Length + residuals.Length + (offsets.Length * 4L) + (scales.Length * 4L) + (createdAt.Length * 8L) + flags.Length + (kinds.Length * 4L)
            + ids.Sum(id => 32L + (id.Length * 2L));
    }

    /// <summary>The blob's name.</summary>
    public string Name { get; }

    /// <summary>The vectors' dimensions (0 for a segment of deletions only).</summary>
    public int Dimensions { get; }

    /// <summary>How the vectors are kept.</summary>
    public MemoryEncoding Encoding { get; }

    /// <summary>The segments this one replaced when it was compacted from them.</summary>
    public IReadOnlyList<string> Replaces { get; }

    /// <summary>Each row's record id.</summary>
    public string[] Ids { get; }

    /// <summary>Each row's kind.</summary>
    public MemoryKind[] Kinds { get; }

    /// <summary>Each row's flags (<see cref="Tombstone"/>).</summary>
    public byte[] Flags { get; }

    /// <summary>Each row's creation time, in UTC ticks.</summary>
    public long[] CreatedAt { get; }

    /// <summary>Each row's vector scale (int8: value = byte × scale).</summary>
    public float[] Scales { get; }

    /// <summary>How many rows the segment has.</summary>
    public int Count => Ids.Length;

    /// <summary>About how many bytes the decoded segment holds, for the cache's budget.</summary>
    public long Bytes { get; }

    /// <summary>The bytes one vector element takes.</summary>
    public static int ElementSize(MemoryEncoding encoding) => encoding switch { MemoryEncoding.Int8 => 1, MemoryEncoding.Float16 => 2, _ => 4 };

    /// <summary>Every row's vector as stored, one after the other.</summary>
    public ReadOnlySpan<byte> VectorSection => vectors.Span;

    /// <summary>A row's vector as stored.</summary>
    public ReadOnlySpan<byte> RawVector(int row)
    {
        int size = Dimensions * ElementSize(Encoding);
        return vectors.Span.Slice(row * size, size);
    }

    /// <summary>An int8 row's residual (4 bits per dimension).</summary>
    public ReadOnlySpan<byte> RawResidual(int row)
    {
        int size = VectorMath.ResidualBytes(Dimensions);
        return residuals.Span.Slice(row * size, size);
    }

    /// <summary>The bytes of all the rows' residuals: int8 keeps one, the other encodings none.</summary>
    public static long ResidualSection(MemoryEncoding encoding, int count, int dimensions) =>
        encoding == MemoryEncoding.Int8 ? (long)count * VectorMath.ResidualBytes(dimensions) : 0;

    /// <summary>A row's vector as floats (dequantized, with its residual).</summary>
    public void CopyVector(int row, Span<float> destination)
    {
        var raw = RawVector(row);
        switch (Encoding)
        {
            case MemoryEncoding.Int8:
                VectorMath.Dequantize(MemoryMarshal.Cast<byte, sbyte>(raw), RawResidual(row), Scales[row], destination);
                break;
            case MemoryEncoding.Float16:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(raw), destination);
                break;
            default:
                MemoryMarshal.Cast<byte, float>(raw).CopyTo(destination);
                break;
        }
    }

    /// <summary>The dot product of a row with a query, at the precision the row is kept in.</summary>
    public float Score(int row, ReadOnlySpan<float> query, Span<float> buffer)
    {
        if (Encoding == MemoryEncoding.Float32)
        {
            return TensorPrimitives.Dot(MemoryMarshal.Cast<byte, float>(RawVector(row)), query);
        }

        CopyVector(row, buffer);
        return TensorPrimitives.Dot(buffer[..Dimensions], query);
    }

    /// <summary>A row's whole record; <paramref name="text"/> replaces its text when given (a merged entity).</summary>
    public MemoryRecord Record(int row, string? text = null)
    {
        var reader = new Reader(metadata.Span[offsets[row]..]);
        reader.SkipFixed();
        string id = reader.String()!;
        string stored = reader.String() ?? string.Empty;
        string? task = reader.String();
        string? agent = reader.String();
        string? runId = reader.String();
        string? quality = reader.String();
        var vector = new float[Dimensions];
        CopyVector(row, vector);
        return new MemoryRecord
        {
            Id = id,
            Kind = Kinds[row],
            Text = text ?? stored,
            Task = task,
            Agent = agent,
            RunId = runId,
            Quality = quality,
            CreatedAt = new DateTimeOffset(CreatedAt[row], TimeSpan.Zero),
            Vector = vector,
        };
    }

    /// <summary>A row's text alone.</summary>
    public string Text(int row)
    {
        var reader = new Reader(metadata.Span[offsets[row]..]);
        reader.SkipFixed();
        reader.String();
        return reader.String() ?? string.Empty;
    }

    /// <summary>Whether a row records a deletion.</summary>
    public bool IsTombstone(int row) => (Flags[row] & Tombstone) != 0;

    /// <summary>Decodes a segment blob, checking every length against what is there.</summary>
    /// <exception cref="InvalidDataException">The blob is not a well-formed segment.</exception>
    public static MemorySegment Decode(string name, ReadOnlyMemory<byte> content)
    {
        var span = content.Span;
        if (span.Length < Magic.Length || !span[..Magic.Length].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"Memory segment '{name}' does not start with the segment header.");
        }

        var reader = new Reader(span[Magic.Length..]);
        int start = Magic.Length;
        int dimensions = reader.Int32();
        var encoding = (MemoryEncoding)reader.Byte();
        int count = reader.Int32();
        int replacedCount = reader.Int32();
        if (dimensions is < 0 or > MaxDimensions || !Enum.IsDefined(encoding) || count is < 0 or > MaxRecords || replacedCount < 0 || replacedCount > span.Length)
        {
            throw new InvalidDataException($"Memory segment '{name}' has an impossible header ({dimensions} dimensions, encoding {(int)encoding}, {count} records, {replacedCount} replaced).");
        }

        var replaces = new string[replacedCount];
        for (int i = 0; i < replacedCount; i++)
        {
            replaces[i] = reader.String() ?? throw new InvalidDataException($"Memory segment '{name}' names a replaced segment without a name.");
        }

        int metadataLength = reader.Int32();
        long vectorBytes = (long)count * dimensions * ElementSize(encoding);
        long residualBytes = ResidualSection(encoding, count, dimensions);
        if (metadataLength < 0 || (long)metadataLength + (count * 4L) + vectorBytes + residualBytes != reader.Remaining)
        {
            throw new InvalidDataException($"Memory segment '{name}' is {reader.Remaining} bytes after its header where {count} records of {dimensions} dimensions need {metadataLength} + {(count * 4L) + vectorBytes + residualBytes}.");
        }

        var metadata = content.Slice(start + reader.Position, metadataLength);
        reader.Bytes(metadataLength);
        var ids = new string[count];
        var kinds = new MemoryKind[count];
        var flags = new byte[count];
        var createdAt = new long[count];
        var offsets = new int[count];
        var rows = new Reader(metadata.Span);
        for (int row = 0; row < count; row++)
        {
            offsets[row] = rows.Position;
            flags[row] = rows.Byte();
            kinds[row] = (MemoryKind)rows.Byte();
            createdAt[row] = rows.Int64();
            ids[row] = rows.String() ?? throw new InvalidDataException($"Memory segment '{name}' has a record without an id at row {row}.");
            for (int field = 0; field < 5; field++)
            {
                rows.SkipString();
            }

            if (!Enum.IsDefined(kinds[row]) || createdAt[row] < DateTime.MinValue.Ticks || createdAt[row] > DateTime.MaxValue.Ticks)
            {
                throw new InvalidDataException($"Memory segment '{name}' has an impossible record at row {row}.");
            }
        }

        if (rows.Remaining != 0)
        {
            throw new InvalidDataException($"Memory segment '{name}' has {rows.Remaining} bytes of metadata after its last record.");
        }

        var scales = MemoryMarshal.Cast<byte, float>(reader.Bytes(count * 4)).ToArray();
        var vectors = content.Slice(start + reader.Position, (int)vectorBytes);
        reader.Bytes((int)vectorBytes);
        var residuals = content.Slice(start + reader.Position, (int)residualBytes);
        return new MemorySegment(name, dimensions, encoding, replaces, ids, kinds, flags, createdAt, metadata, offsets, scales, vectors, residuals);
    }

    /// <summary>A bounds-checked little-endian reader; every overrun is an <see cref="InvalidDataException"/>.</summary>
    internal ref struct Reader(ReadOnlySpan<byte> span)
    {
        readonly ReadOnlySpan<byte> span = span;

        public int Position { get; private set; }

        public readonly int Remaining => span.Length - Position;

        public byte Byte() => Bytes(1)[0];

        public int Int32() => BinaryPrimitives.ReadInt32LittleEndian(Bytes(4));

        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Bytes(8));

        public void SkipFixed() => Bytes(10);

        public string? String()
        {
            int length = Int32();
            return length == -1 ? null : System.Text.Encoding.UTF8.GetString(Bytes(length));
        }

        public void SkipString()
        {
            int length = Int32();
            if (length != -1)
            {
                Bytes(length);
            }
        }

        public ReadOnlySpan<byte> Bytes(int length)
        {
            if (length < 0 || length > Remaining)
            {
                throw new InvalidDataException($"A memory segment ends {length - Remaining} bytes early.");
            }

            var bytes = span.Slice(Position, length);
            Position += length;
            return bytes;
        }
    }
}
