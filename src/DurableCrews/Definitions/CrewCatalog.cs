using Microsoft.Extensions.Options;

namespace DurableCrews.Definitions;

/// <summary>Finds crews by name among the bundled crews (<see cref="CrewCatalogOptions.Path"/>): a folder or a <c>.yaml</c>/<c>.yml</c>/<c>.json</c> file per crew.</summary>
public sealed class CrewCatalog
{
    readonly string root;
    readonly string flows;

    /// <summary>Creates the catalog over the configured folder.</summary>
    public CrewCatalog(IOptions<CrewCatalogOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        root = Resolve(options.Value.Path);
        flows = Resolve(options.Value.FlowsPath);
    }

    /// <summary>The names of the bundled flows.</summary>
    public IReadOnlyList<string> FlowNames() => !Directory.Exists(flows)
        ? []
        : Directory.EnumerateDirectories(flows).Where(d => File.Exists(System.IO.Path.Combine(d, FlowDefinitionLoader.FlowFileName))).Select(System.IO.Path.GetFileName)
            .Concat(Directory.EnumerateFiles(flows).Where(IsDefinitionFile).Select(System.IO.Path.GetFileNameWithoutExtension))
            .OfType<string>().Where(DefinitionNames.IsValid).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Loads the bundled flow of that name, its crews found among the bundled crews; null when there is none.</summary>
    public FlowLoadResult? LoadFlow(string name)
    {
        if (!DefinitionNames.IsValid(name))
        {
            return new FlowLoadResult { Problems = [new DefinitionProblem("flow", $"'{name}' {DefinitionNames.Rule()}")] };
        }

        string folder = System.IO.Path.Combine(flows, name);
        string? path = Directory.Exists(folder) ? folder : new[] { ".yaml", ".yml", ".json" }.Select(ext => System.IO.Path.Combine(flows, name + ext)).FirstOrDefault(File.Exists);
        return path is null ? null : FlowDefinitionLoader.Load(path, Load);
    }

    static string Resolve(string path)
    {
        string beside = System.IO.Path.GetFullPath(path, AppContext.BaseDirectory);
        return Directory.Exists(beside) ? beside : System.IO.Path.GetFullPath(path);
    }

    /// <summary>The names of the bundled crews.</summary>
    public IReadOnlyList<string> Names() => !Directory.Exists(root)
        ? []
        : Directory.EnumerateDirectories(root).Select(Path.GetFileName)
            .Concat(Directory.EnumerateFiles(root).Where(IsDefinitionFile).Select(Path.GetFileNameWithoutExtension))
            .OfType<string>().Where(DefinitionNames.IsValid).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Whether a bundled crew has this name (checked before it touches the file system).</summary>
    public bool Exists(string name) => DefinitionNames.IsValid(name) && Find(name) is not null;

    /// <summary>Loads the crew of that name; null when there is none. The name is checked before it touches the file system.</summary>
    public CrewLoadResult? Load(string name)
    {
        if (!DefinitionNames.IsValid(name))
        {
            return new CrewLoadResult { Problems = [new DefinitionProblem("crew", $"'{name}' {DefinitionNames.Rule()}")] };
        }

        return Find(name) is { } path ? CrewDefinitionLoader.Load(path) : null;
    }

    /// <summary>The bundled crew's folder or file; null when there is none. The name must be valid.</summary>
    string? Find(string name)
    {
        string folder = Path.Combine(root, name);
        return Directory.Exists(folder) ? folder : new[] { ".yaml", ".yml", ".json" }.Select(ext => Path.Combine(root, name + ext)).FirstOrDefault(File.Exists);
    }

    static bool IsDefinitionFile(string path) => Path.GetExtension(path) is ".yaml" or ".yml" or ".json";
}
