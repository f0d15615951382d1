using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DurableCrews.Storage;

/// <summary>The arithmetic of compact vectors: int8 quantization with a per-vector scale, and dot products over it.</summary>
internal static class VectorMath
{
    /// <summary>Writes <paramref name="vector"/> as int8 into <paramref name="quantized"/> and returns the scale (value = byte × scale).</summary>
    public static float Quantize(ReadOnlySpan<float> vector, Span<sbyte> quantized)
    {
        float max = vector.IsEmpty ? 0 : MathF.Abs(TensorPrimitives.MaxMagnitude(vector));
        if (!(max > 0) || !float.IsFinite(max))
        {
            quantized.Clear();
            return 0;
        }

        float scale = max / 127f;
        float inverse = 1f / scale;
        for (int i = 0; i < vector.Length; i++)
        {
            quantized[i] = (sbyte)Math.Clamp(MathF.Round(vector[i] * inverse), -127f, 127f);
        }

        return scale;
    }

    /// <summary>The query widened to 16-bit integers once, so that each row's dot product widens only the row.</summary>
    public static short[] Widen(ReadOnlySpan<sbyte> query)
    {
        var widened = new short[query.Length];
        for (int i = 0; i < query.Length; i++)
        {
            widened[i] = query[i];
        }

        return widened;
    }

    /// <summary>The dot product of an int8 row with a widened int8 query (exact, in 32-bit integers).</summary>
    public static int Dot(ReadOnlySpan<sbyte> row, ReadOnlySpan<short> query)
    {
        int length = Math.Min(row.Length, query.Length);
        int i = 0;
        int sum = 0;
        if (Avx2.IsSupported && length >= 32)
        {
            ref sbyte r = ref MemoryMarshal.GetReference(row);
            ref short q = ref MemoryMarshal.GetReference(query);
            var first = Vector256<int>.Zero;
            var second = Vector256<int>.Zero;
            for (; i <= length - 32; i += 32)
            {
                var rowLow = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref Unsafe.As<sbyte, byte>(ref r), (nuint)i).AsSByte());
                var rowHigh = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref Unsafe.As<sbyte, byte>(ref r), (nuint)(i + 16)).AsSByte());
                first = Avx2.Add(first, Avx2.MultiplyAddAdjacent(rowLow, Vector256.LoadUnsafe(ref q, (nuint)i)));
                second = Avx2.Add(second, Avx2.MultiplyAddAdjacent(rowHigh, Vector256.LoadUnsafe(ref q, (nuint)(i + 16))));
            }

            sum = Vector256.Sum(Avx2.Add(first, second));
        }
        else if (Vector128.IsHardwareAccelerated && length >= 16)
        {
            ref sbyte r = ref MemoryMarshal.GetReference(row);
            ref short q = ref MemoryMarshal.GetReference(query);
            var total = Vector128<int>.Zero;
            for (; i <= length - 16; i += 16)
            {
                var (low, high) = Vector128.Widen(Vector128.LoadUnsafe(ref r, (nuint)i));
                var (a, b) = Vector128.Widen(low * Vector128.LoadUnsafe(ref q, (nuint)i));
                var (c, d) = Vector128.Widen(high * Vector128.LoadUnsafe(ref q, (nuint)(i + 8)));
                total += a + b + c + d;
            }

            sum = Vector128.Sum(total);
        }

        for (; i < length; i++)
        {
            sum += row[i] * query[i];
        }

        return sum;
    }

    /// <summary>The bytes of a row's residual: one signed 4-bit value per dimension, two to a byte.</summary>
    public static int ResidualBytes(int dimensions) => (dimensions + 1) / 2;

    /// <summary>
    /// Writes what int8 left out of each value (at most half a step) in 4 bits, in fifteenths of a step, so that the
    /// row with its residual is within 1/30 of a step of the original: close to full precision for rescoring.
    /// </summary>
    public static void QuantizeResidual(ReadOnlySpan<float> vector, ReadOnlySpan<sbyte> quantized, float scale, Span<byte> residual)
    {
        residual.Clear();
        if (scale == 0)
        {
            return;
        }

        float inverse = 15f / scale;
        for (int i = 0; i < vector.Length; i++)
        {
            int nibble = (int)Math.Clamp(MathF.Round((vector[i] - (quantized[i] * scale)) * inverse), -7f, 7f);
            residual[i >> 1] |= (byte)((nibble & 0xF) << ((i & 1) * 4));
        }
    }

    /// <summary>Writes an int8 row and its residual back as floats.</summary>
    public static void Dequantize(ReadOnlySpan<sbyte> row, ReadOnlySpan<byte> residual, float scale, Span<float> destination)
    {
        float step = scale / 15f;
        for (int i = 0; i < row.Length; i++)
        {
            int nibble = (residual[i >> 1] >> ((i & 1) * 4)) & 0xF;
            destination[i] = (row[i] * scale) + (((nibble ^ 8) - 8) * step);
        }
    }
}
