namespace DurableCrews.Storage;

/// <summary>
/// A lease held as a blob that says until when it holds: taken when the blob is absent or its time has passed (an
/// unreadable one is taken over), released by deleting it. Only one taker at a time wins, by the blob's conditions.
/// </summary>
internal sealed class BlobLease(IBlobStore blobs, TimeProvider time)
{
    /// <summary>Takes the lease <paramref name="name"/> for <paramref name="duration"/>; false when another holder has it.</summary>
    public async Task<bool> TryAcquireAsync(string container, string name, TimeSpan duration, CancellationToken cancellationToken)
    {
        var content = BinaryData.FromObjectAsJson(new { Until = time.GetUtcNow() + duration });
        try
        {
            await blobs.PutAsync(container, name, content, BlobCondition.IfNotExists, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (BlobConditionFailedException)
        {
            var held = await blobs.GetAsync(container, name, cancellationToken).ConfigureAwait(false);
            if (held is null || UntilOf(held.Content) > time.GetUtcNow())
            {
                return false;
            }

            try
            {
                await blobs.PutAsync(container, name, content, BlobCondition.IfUnchanged(held.ETag), cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (BlobConditionFailedException)
            {
                return false;
            }
        }
    }

    /// <summary>Gives the lease up, whatever became of the work it guarded.</summary>
    public Task ReleaseAsync(string container, string name) => blobs.DeleteAsync(container, name, CancellationToken.None);

    static DateTimeOffset UntilOf(BinaryData lease)
    {
        try
        {
            return lease.ToObjectFromJson<LeaseContent>()?.Until ?? DateTimeOffset.MinValue;
        }
        catch (System.Text.Json.JsonException)
        {
            return DateTimeOffset.MinValue; // an unreadable lease is taken over
        }
    }

    sealed record LeaseContent(DateTimeOffset Until);
}
