namespace DurableCrews.Definitions;

/// <summary>
/// Where a crew's files are in a folder given by the user, in any of the layouts a CrewAI user has: the folder holding
/// <c>agents.yaml</c> and <c>tasks.yaml</c> (CrewAI's <c>config/</c>), the folder holding <c>config/</c>, or a CrewAI
/// project root (<c>pyproject.toml</c> with <c>src/&lt;package&gt;/config/</c>). The <c>crew.yaml</c> that supplies what
/// crew.py said may sit in <c>config/</c>, beside it, or at the project root; exactly one of them is read.
/// </summary>
internal sealed record CrewProjectLayout
{
    const string ConfigFolderName = "config";

    /// <summary>The folder holding agents.yaml and tasks.yaml.</summary>
    public required string ConfigFolder { get; init; }

    /// <summary>The crew's name when crew.yaml does not give one: the folder holding <c>config/</c> (the package), else the folder's own.</summary>
    public required string Name { get; init; }

    /// <summary>The crew.yaml to read, if there is one.</summary>
    public string? CrewFile { get; init; }

    /// <summary>The folder whose <c>files/</c> and <c>knowledge/</c> travel with the crew: the project root, the folder holding <c>config/</c>, or the folder itself.</summary>
    public required string HomeFolder { get; init; }

    /// <summary>Finds the layout of <paramref name="folder"/>; null with a problem that says what is missing or ambiguous.</summary>
    public static CrewProjectLayout? Find(string folder, out DefinitionProblem? problem)
    {
        problem = null;
        if (HasDefinitions(folder))
        {
            return FromConfig(folder, out problem);
        }

        string config = Path.Combine(folder, ConfigFolderName);
        if (HasDefinitions(config))
        {
            return FromConfig(config, out problem);
        }

        if (!File.Exists(Path.Combine(folder, "pyproject.toml")) && !Directory.Exists(Path.Combine(folder, "src")))
        {
            return null;
        }

        string src = Path.Combine(folder, "src");
        var packages = Directory.Exists(src)
            ? Directory.EnumerateDirectories(src).Where(p => HasDefinitions(Path.Combine(p, ConfigFolderName))).Order(StringComparer.Ordinal).ToList()
            : [];
        if (packages.Count == 1)
        {
            return FromConfig(Path.Combine(packages[0], ConfigFolderName), out problem);
        }

        problem = packages.Count == 0
            ? new DefinitionProblem("crew", $"'{folder}' looks like a CrewAI project, but no src/<package>/config/ holds agents.yaml and tasks.yaml")
            : new DefinitionProblem("crew", $"'{folder}' holds {packages.Count} CrewAI packages ({string.Join(", ", packages.Select(Path.GetFileName))}); give the path of the one to load, e.g. '{Path.Combine(packages[0], ConfigFolderName)}'");
        return null;
    }

    static CrewProjectLayout? FromConfig(string config, out DefinitionProblem? problem)
    {
        problem = null;
        bool isConfig = Path.GetFileName(config) == ConfigFolderName;
        string holder = isConfig ? Path.GetDirectoryName(config)! : config;
        string? projectRoot = ProjectRootOf(holder);
        var candidates = new List<string> { Path.Combine(config, CrewDefinitionLoader.CrewFileName) };
        if (isConfig)
        {
            candidates.Add(Path.Combine(holder, CrewDefinitionLoader.CrewFileName));
        }

        if (projectRoot is not null)
        {
            candidates.Add(Path.Combine(projectRoot, CrewDefinitionLoader.CrewFileName));
        }

        var found = candidates.Where(File.Exists).ToList();
        if (found.Count > 1)
        {
            problem = new DefinitionProblem("crew", $"found {found.Count} crew.yaml files ({string.Join(", ", found)}); keep one, beside config/ or at the project root");
            return null;
        }

        return new CrewProjectLayout
        {
            ConfigFolder = config,
            Name = Path.GetFileName(holder),
            CrewFile = found.FirstOrDefault(),
            HomeFolder = projectRoot ?? holder,
        };
    }

    /// <summary>The project root when <paramref name="package"/> is <c>src/&lt;package&gt;</c> of a folder with a pyproject.toml.</summary>
    static string? ProjectRootOf(string package)
    {
        string? src = Path.GetDirectoryName(package);
        string? root = src is null ? null : Path.GetDirectoryName(src);
        return root is not null && Path.GetFileName(src) == "src" && File.Exists(Path.Combine(root, "pyproject.toml")) ? root : null;
    }

    static bool HasDefinitions(string folder) =>
        File.Exists(Path.Combine(folder, "agents.yaml")) || File.Exists(Path.Combine(folder, "tasks.yaml"));
}
