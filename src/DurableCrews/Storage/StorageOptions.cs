using DurableCrews.Configuration;

namespace DurableCrews.Storage;

/// <summary>
/// Where runs, memory and cache are kept, bound from <c>DurableCrews:Storage</c>
/// (environment variables <c>DurableCrews__Storage__*</c>). With neither a connection string nor a
/// service URI, an embedded store under <see cref="LocalPath"/> is used.
/// </summary>
public sealed record StorageOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "DurableCrews:Storage";

    /// <summary>An Azure Storage connection string (Azurite: <c>UseDevelopmentStorage=true</c>).</summary>
    public string? ConnectionString { get; init; }

    /// <summary>The blob service URI, reached with <c>DefaultAzureCredential</c> (identity-based, no secrets).</summary>
    public Uri? BlobServiceUri { get; init; }

    /// <summary>The client id of a user-assigned managed identity for <c>DefaultAzureCredential</c>.</summary>
    public string? ManagedIdentityClientId { get; init; }

    /// <summary>The folder of the embedded store; default <c>.durablecrews/storage</c> under the working directory.</summary>
    public string LocalPath { get; init; } = Path.Combine(".durablecrews", "storage");

    /// <summary>Whether the Azure Blob store is configured.</summary>
    public bool UsesBlobService => !string.IsNullOrWhiteSpace(ConnectionString) || BlobServiceUri is not null;

    /// <summary>The rules these settings must keep, checked when the host starts (by <see cref="OptionsValidator{TOptions}"/>).</summary>
    public static void Check(StorageOptions options, OptionsProblems problems)
    {
        problems
            .AbsoluteUrl(nameof(BlobServiceUri), options.BlobServiceUri)
            .Unless(options.UsesBlobService || !string.IsNullOrWhiteSpace(options.LocalPath), nameof(LocalPath), "must name a folder when no blob service is configured");
    }
}
