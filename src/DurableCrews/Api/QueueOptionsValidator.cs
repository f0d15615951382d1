using DurableCrews.Storage;
using Microsoft.Extensions.Options;

namespace DurableCrews.Api;

/// <summary>Checks <see cref="QueueOptions"/> when the host starts: queues need a storage connection.</summary>
public sealed class QueueOptionsValidator(IOptions<StorageOptions> storage) : IValidateOptions<QueueOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, QueueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        bool connected = !string.IsNullOrWhiteSpace(storage.Value.ConnectionString) || options.QueueServiceUri is not null;
        if (options.PublishResults && !connected)
        {
            return ValidateOptionsResult.Fail($"{QueueOptions.SectionName}:PublishResults needs a queue service: set {StorageOptions.SectionName}:ConnectionString, or {QueueOptions.SectionName}:QueueServiceUri.");
        }

        return options.MaxDequeueCount < 1
            ? ValidateOptionsResult.Fail($"{QueueOptions.SectionName}:MaxDequeueCount must be at least 1, not {options.MaxDequeueCount}.")
            : ValidateOptionsResult.Success;
    }
}
