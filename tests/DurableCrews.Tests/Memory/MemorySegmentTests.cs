using System.Runtime.InteropServices;
using DurableCrews.Storage;

namespace DurableCrews.Tests.Memory;

/// <summary>The segment format and the arithmetic of compact vectors, on their own.</summary>
public sealed class MemorySegmentTests
{
    static MemoryRecord Record(string id, float[] vector) => new()
    {
        Id = id,
        Kind = MemoryKind.LongTerm,
        Text = $"text of {id} — with ünïcode",
        Task = "task",
        Agent = null,
        CreatedAt = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero),
        Vector = vector,
    };

    static float[] RandomUnit(Random random, int dimensions)
    {
        var vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        float norm = MathF.Sqrt(vector.Sum(v => v * v));
        return vector.Select(v => v / norm).ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(384)]
    [InlineData(1539)]
    public void The_int8_dot_product_equals_the_plain_sum_at_every_length(int length)
    {
        var random = new Random(length);
        var row = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
        var query = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();

        int expected = row.Zip(query).Sum(pair => pair.First * pair.Second);

        Assert.Equal(expected, VectorMath.Dot(row, VectorMath.Widen(query)));
    }

    [Fact]
    public void Quantizing_keeps_each_value_within_half_a_step_whatever_the_sign_of_the_largest()
    {
        float[] vector = [-0.9f, 0.1f, 0.45f, -0.3f];
        var quantized = new sbyte[4];

        float scale = VectorMath.Quantize(vector, quantized);

        Assert.Equal(0.9f / 127, scale, 6);
        Assert.Equal(-127, quantized[0]);
        Assert.All(vector.Zip(quantized), pair => Assert.InRange(Math.Abs(pair.First - (pair.Second * scale)), 0, (scale / 2) + 1e-7));
    }

    [Theory]
    [InlineData(MemoryEncoding.Int8)]
    [InlineData(MemoryEncoding.Float16)]
    [InlineData(MemoryEncoding.Float32)]
    public void A_segment_reads_back_what_was_written(MemoryEncoding encoding)
    {
        var random = new Random(7);
        var writer = new MemorySegmentWriter(48, encoding);
        writer.Replaces.Add("crew/long-term/older.3.seg");
        var records = Enumerable.Range(0, 5).Select(i => Record($"r{i}", RandomUnit(random, 48))).ToList();
        records.ForEach(writer.Add);
        writer.AddTombstone("gone", MemoryKind.LongTerm, DateTimeOffset.UnixEpoch);

        var segment = MemorySegment.Decode("test.seg", writer.ToArray());

        Assert.Equal(6, segment.Count);
        Assert.Equal(["crew/long-term/older.3.seg"], segment.Replaces);
        Assert.True(segment.IsTombstone(5));
        for (int i = 0; i < 5; i++)
        {
            var read = segment.Record(i);
            Assert.Equal((records[i].Id, records[i].Text, records[i].Task, records[i].Agent, records[i].CreatedAt), (read.Id, read.Text, read.Task, read.Agent, read.CreatedAt));
            double error = records[i].Vector.Zip(read.Vector).Max(pair => Math.Abs(pair.First - pair.Second));
            Assert.InRange(error, 0, encoding switch { MemoryEncoding.Int8 => 0.01, MemoryEncoding.Float16 => 0.001, _ => 0 });
        }
    }

    [Fact]
    public void Damaged_segments_are_refused_with_the_blob_named_never_read_past_their_end()
    {
        var writer = new MemorySegmentWriter(8, MemoryEncoding.Int8);
        writer.Add(Record("a", [1, 0, 0, 0, 0, 0, 0, 0]));
        byte[] good = writer.ToArray();
        var damaged = new List<byte[]>
        {
            Array.Empty<byte>(),
            "not a segment"u8.ToArray(),
            good[..^1],
            good.Append((byte)0).ToArray(),
            good[..20],
        };
        var impossible = good.ToArray();
        MemoryMarshal.Write(impossible.AsSpan(8), 1_000_000); // dimensions
        damaged.Add(impossible);
        var negativeText = good.ToArray();
        int idLength = MemoryMarshal.Read<int>(negativeText.AsSpan(8 + 4 + 1 + 4 + 4 + 4 + 10));
        MemoryMarshal.Write(negativeText.AsSpan(8 + 4 + 1 + 4 + 4 + 4 + 10 + 4 + idLength), int.MaxValue); // the text's length
        damaged.Add(negativeText);

        Assert.All(damaged, bytes =>
        {
            var error = Assert.Throws<InvalidDataException>(() => MemorySegment.Decode("crew/long-term/x.1.seg", bytes));
            Assert.True(error.Message.Contains("crew/long-term/x.1.seg", StringComparison.Ordinal) || error.Message.Contains("ends", StringComparison.Ordinal), error.Message);
        });
    }

    [Fact]
    public void Segment_names_from_a_listing_are_read_only_when_they_belong_to_the_scope()
    {
        Assert.Equal(("0000000000000001-0a", 12), MemorySegmentName.Parse("crew/long-term", "crew/long-term/0000000000000001-0a.12.seg") is { } n ? (n.Key, n.Records) : default);
        Assert.Null(MemorySegmentName.Parse("crew/long-term", "crew/long-term.json"));
        Assert.Null(MemorySegmentName.Parse("crew/long-term", "crew/long-term/compaction.lease"));
        Assert.Null(MemorySegmentName.Parse("crew/long-term", "crew/long-term/a/b.1.seg"));
        Assert.Null(MemorySegmentName.Parse("crew/long-term", "crew/long-term/x.-1.seg"));
        Assert.Null(MemorySegmentName.Parse("crew/long-term", "crew/entities/x.1.seg"));
    }
}
