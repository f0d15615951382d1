using DurableCrews.Definitions;
using DurableCrews.Outbound;
using DurableCrews.Storage;
using Microsoft.Extensions.Options;

namespace DurableCrews.Api;

/// <summary>
/// The crews the API runs by name: those uploaded at run time (<c>PUT /api/crews/{crew}</c>, stored as
/// <c>crews/{name}.yaml</c> blobs) over those bundled with the app (<see cref="CrewCatalog"/>).
/// </summary>
public sealed class CrewLibrary
{
    readonly CrewCatalog bundled;
    readonly IBlobStore blobs;
    readonly OutboundPolicies outbound;
    readonly bool allowOverridingBundled;

    /// <summary>Creates the library.</summary>
    public CrewLibrary(CrewCatalog bundled, IBlobStore blobs, OutboundPolicies outbound, IOptions<ApiOptions> options)
    {
        ArgumentNullException.ThrowIfNull(bundled);
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(outbound);
        ArgumentNullException.ThrowIfNull(options);
        this.bundled = bundled;
        this.blobs = blobs;
        this.outbound = outbound;
        allowOverridingBundled = options.Value.AllowOverridingBundledCrews;
    }

    /// <summary>The names of the bundled flows.</summary>
    public IReadOnlyList<string> FlowNames() => bundled.FlowNames();

    /// <summary>The bundled flow of that name; null when there is none.</summary>
    public FlowLoadResult? LoadFlow(string name) => bundled.LoadFlow(name);

    /// <summary>Every crew, uploaded and bundled, with where it comes from, by name.</summary>
    public async Task<IReadOnlyList<CrewListing>> ListAsync(CancellationToken cancellationToken = default)
    {
        var bundledNames = bundled.Names().ToHashSet(StringComparer.Ordinal);
        var uploaded = new HashSet<string>(StringComparer.Ordinal);
        await foreach (string blob in blobs.ListAsync(BlobNames.CrewsContainer, string.Empty, cancellationToken).ConfigureAwait(false))
        {
            if (blob.EndsWith(".yaml", StringComparison.Ordinal) && DefinitionNames.IsValid(blob[..^5]))
            {
                uploaded.Add(blob[..^5]);
            }
        }

        return bundledNames.Union(uploaded).Order(StringComparer.Ordinal)
            .Select(name => UploadWins(name, uploaded.Contains(name), bundledNames.Contains(name))
                ? new CrewListing(name, "uploaded", OverridesBundled: bundledNames.Contains(name))
                : new CrewListing(name, "bundled"))
            .ToList();
    }

    /// <summary>
    /// The crew of that name; null when there is none. The name is checked first. A bundled crew wins over an upload of
    /// the same name unless overriding bundled crews is allowed (<see cref="ApiOptions.AllowOverridingBundledCrews"/>).
    /// </summary>
    public async Task<CrewLoadResult?> LoadAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!DefinitionNames.IsValid(name))
        {
            return new CrewLoadResult { Problems = [new DefinitionProblem("crew", $"'{name}' {DefinitionNames.Rule()}")] };
        }

        var fromBundle = bundled.Load(name);
        if ((fromBundle is null || allowOverridingBundled)
            && await blobs.GetAsync(BlobNames.CrewsContainer, $"{name}.yaml", cancellationToken).ConfigureAwait(false) is { } uploaded)
        {
            return CrewDefinitionLoader.Parse(uploaded.Content.ToString(), name, $"{name}.yaml");
        }

        return fromBundle;
    }

    /// <summary>Validates a crew document (YAML or JSON) and, when it is valid, stores it under <paramref name="name"/>.</summary>
    /// <returns>The validation's result (with destinations the outbound policy refuses); stored only when it succeeded and no bundled crew has the name.</returns>
    public async Task<CrewSaveResult> SaveAsync(string name, string document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var result = Validate(document, name);
        if (result.Succeeded && result.Definition!.Name != name)
        {
            result = new CrewLoadResult { Problems = [new DefinitionProblem("name", $"is '{result.Definition.Name}', but the crew is being stored as '{name}'; make them match or leave 'name' out")] };
        }

        if (!result.Succeeded)
        {
            return new CrewSaveResult(result);
        }

        if (IsBundled(name) && !allowOverridingBundled)
        {
            return new CrewSaveResult(result, BundledConflict: true);
        }

        await blobs.PutAsync(BlobNames.CrewsContainer, $"{name}.yaml", BinaryData.FromString(document), cancellationToken: cancellationToken).ConfigureAwait(false);
        return new CrewSaveResult(result);
    }

    /// <summary>Validates a crew document as <see cref="SaveAsync"/> would, storing nothing; the name is checked too.</summary>
    public CrewLoadResult Validate(string document, string name)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (!DefinitionNames.IsValid(name))
        {
            return new CrewLoadResult { Problems = [new DefinitionProblem("crew", $"'{name}' {DefinitionNames.Rule()}")] };
        }

        var result = CrewDefinitionLoader.Parse(document, name, $"{name}.yaml");
        return result.Succeeded && outbound.CheckCrew(result.Definition!) is { Count: > 0 } refused
            ? new CrewLoadResult { Problems = refused, Warnings = result.Warnings }
            : result;
    }

    /// <summary>Deletes an uploaded crew; a bundled crew cannot be deleted (<see cref="RunActionResult.Conflict"/>).</summary>
    public async Task<RunActionResult> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        if (DefinitionNames.IsValid(name) && await blobs.DeleteAsync(BlobNames.CrewsContainer, $"{name}.yaml", cancellationToken).ConfigureAwait(false))
        {
            return RunActionResult.Done;
        }

        return IsBundled(name) ? RunActionResult.Conflict : RunActionResult.NotFound;
    }

    /// <summary>Whether a bundled crew has <paramref name="name"/>.</summary>
    public bool IsBundled(string name) => bundled.Exists(name);

    bool UploadWins(string name, bool isUploaded, bool isBundled) => isUploaded && (!isBundled || allowOverridingBundled);
}
