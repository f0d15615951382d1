using Microsoft.Extensions.Options;

namespace DurableCrews.Definitions;

/// <summary>Finds crews by name among the bundled crews (<see cref="CrewCatalogOptions.Path"/>): a folder or a <c>.yaml</c>/<c>.yml</c>/<c>.json</c> file per crew.</summary>
public sealed class CrewCatalog
{
    readonly string root;

    /// <summary>Creates the catalog over the configured folder.</summary>
    public CrewCatalog(IOptions<CrewCatalogOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        root = Path.GetFullPath(options.Value.Path, AppContext.BaseDirectory);
        if (!Directory.Exists(root))
        {
            root = Path.GetFullPath(options.Value.Path);
        }
    }

    /// <summary>The names of the bundled crews.</summary>
    public IReadOnlyList<string> Names() => !Directory.Exists(root)
        ? []
        : Directory.EnumerateDirectories(root).Select(Path.GetFileName)
            .Concat(Directory.EnumerateFiles(root).Where(IsDefinitionFile).Select(Path.GetFileNameWithoutExtension))
            .OfType<string>().Where(DefinitionNames.IsValid).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Loads the crew of that name; null when there is none. The name is checked before it touches the file system.</summary>
    public CrewLoadResult? Load(string name)
    {
        if (!DefinitionNames.IsValid(name))
        {
            return new CrewLoadResult { Problems = [new DefinitionProblem("crew", $"'{name}' {DefinitionNames.Rule()}")] };
        }

        string folder = Path.Combine(root, name);
        if (Directory.Exists(folder))
        {
            return CrewDefinitionLoader.Load(folder);
        }

        string? file = new[] { ".yaml", ".yml", ".json" }.Select(ext => Path.Combine(root, name + ext)).FirstOrDefault(File.Exists);
        return file is null ? null : CrewDefinitionLoader.Load(file);
    }

    static bool IsDefinitionFile(string path) => Path.GetExtension(path) is ".yaml" or ".yml" or ".json";
}
