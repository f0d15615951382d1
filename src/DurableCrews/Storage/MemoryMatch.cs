namespace DurableCrews.Storage;

/// <summary>A memory found by a search, with its cosine similarity to the query.</summary>
public sealed record MemoryMatch(MemoryRecord Memory, double Score);
