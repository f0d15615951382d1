using YamlDotNet.RepresentationModel;

namespace DurableCrews.Definitions;

/// <summary>
/// Loads crews written for CrewAI: a folder with <c>agents.yaml</c> and <c>tasks.yaml</c> in any CrewAI layout (see <see cref="CrewProjectLayout"/>) (plus an optional
/// <c>crew.yaml</c> with crew settings and per-agent or per-task additions such as task-to-agent assignments),
/// or one YAML or JSON document holding the crew settings with <c>agents</c> and <c>tasks</c> inside.
/// Every problem is collected with its path; nothing is thrown for bad input.
/// </summary>
public static class CrewDefinitionLoader
{
    /// <summary>The optional crew settings file of a folder-form crew.</summary>
    public const string CrewFileName = "crew.yaml";

    /// <summary>Loads a crew from a folder (CrewAI layout) or from one YAML or JSON file.</summary>
    public static CrewLoadResult Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            return LoadFolder(full);
        }

        if (File.Exists(full))
        {
            return ParseFile(full, Path.GetFileNameWithoutExtension(full));
        }

        return Failed(new DefinitionProblem("crew", $"no crew folder or file at '{path}'"));
    }

    /// <summary>Parses one YAML or JSON document holding a whole crew.</summary>
    /// <param name="text">The document.</param>
    /// <param name="defaultName">The crew's name when the document has no <c>name</c>.</param>
    /// <param name="source">The document's name in problem locations.</param>
    public static CrewLoadResult Parse(string text, string defaultName, string source = "crew.yaml")
    {
        ArgumentNullException.ThrowIfNull(text);
        var problems = new List<DefinitionProblem>();
        var warnings = new List<DefinitionProblem>();
        var crew = new YamlFields("crew", problems, warnings);
        if (ReadMapping(text, source, problems) is { } root)
        {
            crew.Add(root, source);
        }

        if (problems.Count > 0)
        {
            return new CrewLoadResult { Problems = problems };
        }

        var agents = Entries(crew.Mapping("agents"), "agents", problems, required: true);
        var tasks = Entries(crew.Mapping("tasks"), "tasks", problems, required: true);
        return CrewDefinitionReader.Build(crew, agents, tasks, defaultName, problems, warnings);
    }

    static CrewLoadResult ParseFile(string file, string defaultName)
    {
        var problems = new List<DefinitionProblem>();
        return DefinitionFile.Read(file, Path.GetFileName(file), problems) is { } text
            ? Parse(text, defaultName, Path.GetFileName(file))
            : new CrewLoadResult { Problems = problems };
    }

    static CrewLoadResult LoadFolder(string folder)
    {
        if (CrewProjectLayout.Find(folder, out var layoutProblem) is not { } layout)
        {
            string? single = new[] { CrewFileName, "crew.yml", "crew.json" }.Select(f => Path.Combine(folder, f)).FirstOrDefault(File.Exists);
            return layoutProblem is not null ? Failed(layoutProblem)
                : single is null ? Failed(new DefinitionProblem("crew", $"'{folder}' has neither agents.yaml and tasks.yaml (directly, in config/, or in a CrewAI project's src/<package>/config/) nor a crew.yaml holding agents and tasks"))
                : ParseFile(single, Path.GetFileName(folder.TrimEnd(Path.DirectorySeparatorChar)));
        }

        var problems = new List<DefinitionProblem>();
        var warnings = new List<DefinitionProblem>();
        var crew = new YamlFields("crew", problems, warnings);
        var agents = new List<YamlFields>();
        var tasks = new List<YamlFields>();
        ReadEntriesFile(Path.Combine(layout.ConfigFolder, "agents.yaml"), "agents", agents, problems, warnings);
        ReadEntriesFile(Path.Combine(layout.ConfigFolder, "tasks.yaml"), "tasks", tasks, problems, warnings);

        if (layout.CrewFile is { } crewFile && DefinitionFile.Read(crewFile, CrewFileName, problems) is { } crewText && ReadMapping(crewText, CrewFileName, problems) is { } crewRoot)
        {
            crew.Add(crewRoot, CrewFileName);
            Overlay(crew.Mapping("agents"), agents, "agents", problems);
            Overlay(crew.Mapping("tasks"), tasks, "tasks", problems);
        }

        var files = CrewFiles.ReadFolder(layout.HomeFolder, problems);
        return CrewDefinitionReader.Build(crew, agents, tasks, layout.Name, problems, warnings, files);
    }

    static void ReadEntriesFile(string file, string section, List<YamlFields> into, List<DefinitionProblem> problems, List<DefinitionProblem> warnings)
    {
        string source = Path.GetFileName(file);
        if (!File.Exists(file))
        {
            problems.Add(new DefinitionProblem(section, $"{source} is missing beside the other definition files"));
            return;
        }

        if (DefinitionFile.Read(file, source, problems) is not { } text || ReadMapping(text, source, problems) is not { } root)
        {
            return;
        }

        var holder = new YamlFields(section, problems, warnings);
        holder.Add(root, source);
        into.AddRange(Entries(holder, section, problems, required: true));
    }

    static List<YamlFields> Entries(YamlFields? holder, string section, List<DefinitionProblem> problems, bool required)
    {
        var entries = new List<YamlFields>();
        if (holder is null)
        {
            if (required)
            {
                problems.Add(new DefinitionProblem(section, "required: a mapping of names to definitions"));
            }

            return entries;
        }

        foreach (string key in holder.Keys)
        {
            if (holder.Mapping(key) is { } entry)
            {
                entries.Add(entry);
            }
        }

        if (entries.Count == 0 && required)
        {
            problems.Add(new DefinitionProblem(section, "defines nothing"));
        }

        return entries;
    }

    static void Overlay(YamlFields? overlay, List<YamlFields> entries, string section, List<DefinitionProblem> problems)
    {
        if (overlay is null)
        {
            return;
        }

        foreach (string key in overlay.Keys)
        {
            var target = entries.FirstOrDefault(e => e.Key == key);
            var additions = overlay.Mapping(key);
            if (target is null)
            {
                problems.Add(new DefinitionProblem($"{section}.{key}", $"crew.yaml adds to '{key}', which {section}.yaml does not define", overlay.LocationOf(key)));
            }
            else if (additions is not null)
            {
                target.Merge(additions);
            }
        }
    }

    internal static YamlMappingNode? ReadMapping(string text, string source, List<DefinitionProblem> problems) =>
        YamlDocumentReader.ReadMapping(text, source, problems);

    static CrewLoadResult Failed(DefinitionProblem problem) => new() { Problems = [problem] };
}
