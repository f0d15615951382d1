namespace DurableCrews.Storage;

/// <summary>How a memory segment keeps its vectors.</summary>
public enum MemoryEncoding
{
    /// <summary>
    /// One signed byte per dimension and a scale per vector, scanned with SIMD, plus a 4-bit residual per dimension that
    /// brings the best candidates to within 1/30 of a step when they are rescored (1.5 bytes per dimension; the default).
    /// </summary>
    Int8,

    /// <summary>IEEE half precision, two bytes per dimension.</summary>
    Float16,

    /// <summary>Full precision, four bytes per dimension.</summary>
    Float32,
}
