using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace DurableCrews.Storage;

/// <summary>
/// Builds a segment blob (the format <see cref="MemorySegment.Decode"/> reads): records from a save, deletions, or the
/// rows of older segments being compacted (copied as stored when the encoding and dimensions match).
/// </summary>
internal sealed class MemorySegmentWriter(int dimensions, MemoryEncoding encoding)
{
    readonly MemoryStream metadata = new();
    readonly List<float> scales = [];
    readonly MemoryStream vectors = new();
    readonly MemoryStream residuals = new();
    readonly int elementSize = MemorySegment.ElementSize(encoding);

    /// <summary>How many names a new segment draws before two writers drawing the same one is taken for a fault.</summary>
    const int NameCollisionAttempts = 5;

    /// <summary>A writer holding <paramref name="records"/>, each of <paramref name="dimensions"/> dimensions.</summary>
    public static MemorySegmentWriter Of(IEnumerable<MemoryRecord> records, int dimensions, MemoryEncoding encoding)
    {
        var writer = new MemorySegmentWriter(dimensions, encoding);
        foreach (var record in records)
        {
            writer.Add(record);
        }

        return writer;
    }

    /// <summary>How many rows were added.</summary>
    public int Count { get; private set; }

    /// <summary>The segments the new one replaces (compaction).</summary>
    public List<string> Replaces { get; } = [];

    /// <summary>Adds a memory.</summary>
    public void Add(MemoryRecord record)
    {
        if (record.Vector.Length != dimensions)
        {
            throw new ArgumentException($"Memory '{record.Id}' has {record.Vector.Length} dimensions where its segment has {dimensions}.", nameof(record));
        }

        Metadata(0, record.Kind, record.CreatedAt.UtcTicks, record.Id, record.Text, record.Task, record.Agent, record.RunId, record.Quality);
        AddVector(record.Vector);
    }

    /// <summary>Adds a deletion of every earlier record with the id.</summary>
    public void AddTombstone(string id, MemoryKind kind, DateTimeOffset at)
    {
        Metadata(MemorySegment.Tombstone, kind, at.UtcTicks, id, string.Empty, null, null, null, null);
        scales.Add(0);
        vectors.Write(new byte[dimensions * elementSize]);
        residuals.Write(new byte[MemorySegment.ResidualSection(encoding, 1, dimensions)]);
    }

    /// <summary>Adds a row of another segment, with <paramref name="text"/> in place of its own when given.</summary>
    public void Copy(MemorySegment segment, int row, string? text = null)
    {
        if (segment.IsTombstone(row))
        {
            AddTombstone(segment.Ids[row], segment.Kinds[row], new DateTimeOffset(segment.CreatedAt[row], TimeSpan.Zero));
            return;
        }

        var record = segment.Record(row, text);
        if (segment.Encoding == encoding && segment.Dimensions == dimensions)
        {
            Metadata(0, record.Kind, record.CreatedAt.UtcTicks, record.Id, record.Text, record.Task, record.Agent, record.RunId, record.Quality);
            scales.Add(segment.Scales[row]);
            vectors.Write(segment.RawVector(row));
            if (encoding == MemoryEncoding.Int8)
            {
                residuals.Write(segment.RawResidual(row));
            }
        }
        else
        {
            Add(record);
        }
    }

    /// <summary>Writes the segment as a new blob of <paramref name="scope"/>, named by <paramref name="name"/> for each attempt (from 1).</summary>
    public async Task WriteNewAsync(IBlobStore blobs, MemoryScope scope, Func<int, MemorySegmentName> name, CancellationToken cancellationToken)
    {
        var content = BinaryData.FromBytes(ToArray());
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await blobs.PutAsync(scope.Container, name(attempt).Name, content, BlobCondition.IfNotExists, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (BlobConditionFailedException) when (attempt < NameCollisionAttempts)
            {
                // Two segments drew the same name: draw again.
            }
        }
    }

    /// <summary>The segment blob.</summary>
    public byte[] ToArray()
    {
        using var blob = new MemoryStream();
        blob.Write(MemorySegment.Magic);
        WriteInt32(blob, dimensions);
        blob.WriteByte((byte)encoding);
        WriteInt32(blob, Count);
        WriteInt32(blob, Replaces.Count);
        foreach (string replaced in Replaces)
        {
            WriteString(blob, replaced);
        }

        WriteInt32(blob, (int)metadata.Length);
        metadata.Position = 0;
        metadata.CopyTo(blob);
        blob.Write(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(scales)));
        vectors.Position = 0;
        vectors.CopyTo(blob);
        residuals.Position = 0;
        residuals.CopyTo(blob);
        return blob.ToArray();
    }

    void AddVector(float[] vector)
    {
        switch (encoding)
        {
            case MemoryEncoding.Int8:
                var quantized = new sbyte[dimensions];
                float scale = VectorMath.Quantize(vector, quantized);
                var residual = new byte[VectorMath.ResidualBytes(dimensions)];
                VectorMath.QuantizeResidual(vector, quantized, scale, residual);
                scales.Add(scale);
                vectors.Write(MemoryMarshal.AsBytes(quantized.AsSpan()));
                residuals.Write(residual);
                break;
            case MemoryEncoding.Float16:
                var halves = new Half[dimensions];
                System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(vector, halves);
                scales.Add(1);
                vectors.Write(MemoryMarshal.AsBytes(halves.AsSpan()));
                break;
            default:
                scales.Add(1);
                vectors.Write(MemoryMarshal.AsBytes(vector.AsSpan()));
                break;
        }
    }

    void Metadata(byte flags, MemoryKind kind, long createdAt, string id, string text, string? task, string? agent, string? runId, string? quality)
    {
        metadata.WriteByte(flags);
        metadata.WriteByte((byte)kind);
        Span<byte> ticks = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(ticks, createdAt);
        metadata.Write(ticks);
        foreach (string? field in new[] { id, text, task, agent, runId, quality })
        {
            WriteString(metadata, field);
        }

        Count++;
    }

    static void WriteInt32(Stream stream, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        stream.Write(bytes);
    }

    static void WriteString(Stream stream, string? value)
    {
        if (value is null)
        {
            WriteInt32(stream, -1);
            return;
        }

        byte[] bytes = Encoding.UTF8.GetBytes(value);
        WriteInt32(stream, bytes.Length);
        stream.Write(bytes);
    }
}
