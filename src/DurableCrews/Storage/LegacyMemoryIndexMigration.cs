using System.Runtime.InteropServices;
using DurableCrews.Runs;
using Microsoft.Extensions.Logging;

namespace DurableCrews.Storage;

/// <summary>
/// Moves a scope's single index blob (the layout of memory before segments) into segments, then deletes the blob.
/// Frozen: it only reads what earlier versions wrote; delete it once no such blob is left.
/// </summary>
internal static class LegacyMemoryIndexMigration
{
    /// <summary>Migrates the scope's index blob, when it is still there, and returns the segments it became.</summary>
    public static async Task<IReadOnlyList<MemorySegmentName>> MigrateAsync(IBlobStore blobs, MemoryScope scope, MemoryEncoding encoding, ILogger logger, CancellationToken cancellationToken)
    {
        var blob = await blobs.GetAsync(scope.Container, scope.LegacyBlobName, cancellationToken).ConfigureAwait(false);
        if (blob is null)
        {
            return [];
        }

        var index = CrewJson.FromBinary<LegacyIndex>(blob.Content);
        var names = new List<MemorySegmentName>();
        foreach (var group in index.Records
            .Select(r => r.Memory with { Vector = MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(r.Vector)).ToArray() })
            .GroupBy(r => r.Vector.Length))
        {
            var writer = MemorySegmentWriter.Of(group, group.Key, encoding);
            var name = MemorySegmentName.ForMigration(scope.Prefix, $"{blob.ETag}/{group.Key}", writer.Count);
            try
            {
                await blobs.PutAsync(scope.Container, name.Name, BinaryData.FromBytes(writer.ToArray()), BlobCondition.IfNotExists, cancellationToken).ConfigureAwait(false);
            }
            catch (BlobConditionFailedException)
            {
                // Another worker migrated the same index first.
            }

            names.Add(name);
        }

        await blobs.DeleteAsync(scope.Container, scope.LegacyBlobName, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Migrated the memories of {Scope} from its index blob to {Segments} segment(s)", scope.Prefix, names.Count);
        return names;
    }

    sealed record LegacyIndex(IReadOnlyList<LegacyRecord> Records);

    sealed record LegacyRecord(MemoryRecord Memory, string Vector);
}
