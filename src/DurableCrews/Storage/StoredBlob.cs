namespace DurableCrews.Storage;

/// <summary>A blob's content and the ETag to make a later write conditional on.</summary>
public sealed record StoredBlob(BinaryData Content, string ETag);
