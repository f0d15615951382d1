namespace DurableCrews.Storage;

/// <summary>A condition a write must meet: the blob must not exist yet, or must still have a given ETag.</summary>
public sealed record BlobCondition
{
    /// <summary>Only create: fail if the blob exists.</summary>
    public static BlobCondition IfNotExists { get; } = new() { MustNotExist = true };

    /// <summary>Whether the write fails if the blob exists.</summary>
    public bool MustNotExist { get; init; }

    /// <summary>The ETag the blob must still have; null for no check.</summary>
    public string? IfMatch { get; init; }

    /// <summary>Only replace the version that was read.</summary>
    public static BlobCondition IfUnchanged(string etag) => new() { IfMatch = etag };
}
