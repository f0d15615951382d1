using System.Text.Json;
using Azure.Identity;
using Azure.Storage.Queues;
using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.Extensions.Options;

namespace DurableCrews.Api;

/// <summary>
/// The storage queues: the poison queue for kickoff messages that can never succeed, and <c>crew-results</c>.
/// Reached with the storage connection string, or with the managed identity at <see cref="QueueOptions.QueueServiceUri"/>.
/// </summary>
public sealed class CrewQueues
{
    readonly QueueServiceClient? service;
    readonly IBlobStore blobs;
    readonly TimeProvider time;

    /// <summary>Creates the queues from the settings; <see cref="IsConfigured"/> is false without a storage connection.</summary>
    public CrewQueues(IOptions<StorageOptions> storage, IOptions<QueueOptions> queues, IBlobStore blobs, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(time);
        this.blobs = blobs;
        this.time = time;
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        if (!string.IsNullOrWhiteSpace(storage.Value.ConnectionString))
        {
            service = new QueueServiceClient(storage.Value.ConnectionString, options);
        }
        else if (queues.Value.QueueServiceUri is { } uri)
        {
            service = new QueueServiceClient(uri, new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = storage.Value.ManagedIdentityClientId }), options);
        }
    }

    /// <summary>Whether a queue service is configured.</summary>
    public bool IsConfigured => service is not null;

    /// <summary>The client of one queue.</summary>
    /// <exception cref="InvalidOperationException">No queue service is configured.</exception>
    public QueueClient Queue(string name) =>
        (service ?? throw new InvalidOperationException("Queues need a storage connection: set DurableCrews__Storage__ConnectionString, or DurableCrews__Queues__QueueServiceUri with an identity.")).GetQueueClient(name);

    /// <summary>
    /// Puts a kickoff message that can never succeed on the poison queue, with the reason; the entry always fits, and a
    /// message too large to carry whole is kept in the <c>crew-poison</c> container first.
    /// </summary>
    /// <returns>The entry that was queued.</returns>
    public async Task<PoisonEntry> SendToPoisonAsync(string message, string reason, CancellationToken cancellationToken = default)
    {
        string blob = $"{time.GetUtcNow():yyyyMMdd-HHmmss}-{Guid.NewGuid():N}.txt";
        var entry = PoisonEntry.Create(message, reason, blob);
        if (entry.MessageBlob is not null)
        {
            await blobs.PutAsync(BlobNames.PoisonContainer, blob, BinaryData.FromString(message), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var queue = Queue(QueueNames.KickoffsPoison);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await queue.SendMessageAsync(entry.ToJson(), cancellationToken).ConfigureAwait(false);
        return entry;
    }

    /// <summary>Tells <c>crew-results</c> that a run ended.</summary>
    public async Task PublishResultAsync(object result, CancellationToken cancellationToken = default)
    {
        var queue = Queue(QueueNames.Results);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await queue.SendMessageAsync(JsonSerializer.Serialize(result, result.GetType(), CrewJson.Options), cancellationToken).ConfigureAwait(false);
    }
}
