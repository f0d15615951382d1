using DurableCrews.Definitions;
using DurableCrews.Storage;

namespace DurableCrews.Api;

/// <summary>
/// The crews the API runs by name: those uploaded at run time (<c>PUT /api/crews/{crew}</c>, stored as
/// <c>crews/{name}.yaml</c> blobs) over those bundled with the app (<see cref="CrewCatalog"/>).
/// </summary>
public sealed class CrewLibrary
{
    readonly CrewCatalog bundled;
    readonly IBlobStore blobs;

    /// <summary>Creates the library.</summary>
    public CrewLibrary(CrewCatalog bundled, IBlobStore blobs)
    {
        ArgumentNullException.ThrowIfNull(bundled);
        ArgumentNullException.ThrowIfNull(blobs);
        this.bundled = bundled;
        this.blobs = blobs;
    }

    /// <summary>The names of the bundled flows.</summary>
    public IReadOnlyList<string> FlowNames() => bundled.FlowNames();

    /// <summary>The bundled flow of that name; null when there is none.</summary>
    public FlowLoadResult? LoadFlow(string name) => bundled.LoadFlow(name);

    /// <summary>The names of every crew, uploaded and bundled.</summary>
    public async Task<IReadOnlyList<string>> NamesAsync(CancellationToken cancellationToken = default)
    {
        var names = new SortedSet<string>(bundled.Names(), StringComparer.Ordinal);
        await foreach (string blob in blobs.ListAsync(BlobNames.CrewsContainer, string.Empty, cancellationToken).ConfigureAwait(false))
        {
            if (blob.EndsWith(".yaml", StringComparison.Ordinal) && DefinitionNames.IsValid(blob[..^5]))
            {
                names.Add(blob[..^5]);
            }
        }

        return names.ToList();
    }

    /// <summary>The crew of that name, uploaded before bundled; null when there is none. The name is checked first.</summary>
    public async Task<CrewLoadResult?> LoadAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!DefinitionNames.IsValid(name))
        {
            return new CrewLoadResult { Problems = [new DefinitionProblem("crew", $"'{name}' {DefinitionNames.Rule()}")] };
        }

        if (await blobs.GetAsync(BlobNames.CrewsContainer, $"{name}.yaml", cancellationToken).ConfigureAwait(false) is { } uploaded)
        {
            return CrewDefinitionLoader.Parse(uploaded.Content.ToString(), name, $"{name}.yaml");
        }

        return bundled.Load(name);
    }

    /// <summary>Validates a crew document (YAML or JSON) and, when it is valid, stores it under <paramref name="name"/>.</summary>
    /// <returns>The validation's result; stored only when it succeeded.</returns>
    public async Task<CrewLoadResult> SaveAsync(string name, string document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (!DefinitionNames.IsValid(name))
        {
            return new CrewLoadResult { Problems = [new DefinitionProblem("crew", $"'{name}' {DefinitionNames.Rule()}")] };
        }

        var result = CrewDefinitionLoader.Parse(document, name, $"{name}.yaml");
        if (result.Succeeded && result.Definition!.Name != name)
        {
            return new CrewLoadResult { Problems = [new DefinitionProblem("name", $"is '{result.Definition.Name}', but the crew is being stored as '{name}'; make them match or leave 'name' out")] };
        }

        if (result.Succeeded)
        {
            await blobs.PutAsync(BlobNames.CrewsContainer, $"{name}.yaml", BinaryData.FromString(document), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return result;
    }
}
