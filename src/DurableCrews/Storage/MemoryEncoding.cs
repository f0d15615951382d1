namespace DurableCrews.Storage;

/// <summary>How a memory segment keeps its vectors.</summary>
public enum MemoryEncoding
{
    /// <summary>One signed byte per dimension and a scale per vector (a quarter of float32; the default).</summary>
    Int8,

    /// <summary>IEEE half precision, two bytes per dimension.</summary>
    Float16,

    /// <summary>Full precision, four bytes per dimension.</summary>
    Float32,
}
