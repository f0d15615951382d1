using Azure.Identity;
using Azure.Storage.Blobs;
using DurableCrews.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace DurableCrews.Storage;

/// <summary>Registers where runs, caches and memory are stored.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>Adds the blob store (Azure Blob Storage when configured, else the embedded store), the run store and the caches.</summary>
    public static IServiceCollection AddCrewStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<StorageOptions>(configuration, StorageOptions.SectionName, StorageOptions.Check);
        services.TryAddSingleton<IBlobStore>(sp => CreateBlobStore(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.TryAddSingleton(sp => new RunStore(
            sp.GetRequiredService<IBlobStore>(),
            sp.GetService<RunStarts>(),
            WorkSpool.For(sp.GetRequiredService<IOptions<StorageOptions>>().Value)));
        services.TryAddSingleton<ResponseCache>();
        services.TryAddSingleton<ToolResultCache>();
        return services;
    }

    /// <summary>The blob store the settings describe.</summary>
    public static IBlobStore CreateBlobStore(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new AzureBlobStore(new BlobServiceClient(options.ConnectionString));
        }

        if (options.BlobServiceUri is { } uri)
        {
            var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ManagedIdentityClientId });
            return new AzureBlobStore(new BlobServiceClient(uri, credential));
        }

        return new LocalBlobStore(options.LocalPath);
    }
}
