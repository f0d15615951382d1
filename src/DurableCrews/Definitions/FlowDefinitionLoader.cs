using YamlDotNet.RepresentationModel;

namespace DurableCrews.Definitions;

/// <summary>
/// Loads a flow: one YAML or JSON document (or a folder holding <c>flow.yaml</c>) with a <c>steps</c> mapping. Each
/// step names a crew (a bundled crew's name, or a path relative to the flow), its inputs as templates, and the earlier
/// steps it depends on. Every problem is collected with its path; nothing is thrown for bad input.
/// </summary>
public static class FlowDefinitionLoader
{
    /// <summary>The flow file of a folder-form flow.</summary>
    public const string FlowFileName = "flow.yaml";

    static readonly HashSet<string> FlowFields = ["name", "steps", "max_execution_time"];
    static readonly HashSet<string> StepFields = ["crew", "inputs", "depends_on"];
    static readonly HashSet<string> NoFields = [];

    /// <summary>Whether <paramref name="path"/> holds a flow rather than a crew: a folder with <c>flow.yaml</c>, or a document with <c>steps</c>.</summary>
    public static bool IsFlow(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path))
        {
            return File.Exists(Path.Combine(path, FlowFileName));
        }

        if (!File.Exists(path))
        {
            return false;
        }

        var root = DefinitionFile.Read(path, Path.GetFileName(path), []) is { } text ? CrewDefinitionLoader.ReadMapping(text, Path.GetFileName(path), []) : null;
        return root?.Children.ContainsKey(new YamlScalarNode("steps")) == true;
    }

    /// <summary>Loads the flow at <paramref name="path"/>.</summary>
    /// <param name="path">A flow file, or a folder holding <c>flow.yaml</c>.</param>
    /// <param name="bundledCrew">Finds a bundled crew by name; null when there is none.</param>
    public static FlowLoadResult Load(string path, Func<string, CrewLoadResult?> bundledCrew)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(bundledCrew);
        string file = Directory.Exists(path) ? Path.Combine(path, FlowFileName) : path;
        if (!File.Exists(file))
        {
            return new FlowLoadResult { Problems = [new DefinitionProblem("flow", $"no flow file at '{path}'")] };
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        string defaultName = Directory.Exists(path) ? Path.GetFileName(Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar)) : Path.GetFileNameWithoutExtension(file);
        var problems = new List<DefinitionProblem>();
        if (DefinitionFile.Read(file, Path.GetFileName(file), problems) is not { } text)
        {
            return new FlowLoadResult { Problems = problems };
        }

        return Parse(text, defaultName, Path.GetFileName(file), reference => IsPath(reference)
            ? CrewDefinitionLoader.Load(Path.GetFullPath(reference, folder))
            : bundledCrew(reference));
    }

    /// <summary>Parses one flow document.</summary>
    public static FlowLoadResult Parse(string text, string defaultName, string source, Func<string, CrewLoadResult?> crew)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(crew);
        var problems = new List<DefinitionProblem>();
        var warnings = new List<DefinitionProblem>();
        var flow = new YamlFields(string.Empty, problems, warnings);
        if (CrewDefinitionLoader.ReadMapping(text, source, problems) is not { } root)
        {
            return new FlowLoadResult { Problems = problems };
        }

        flow.Add(root, source);
        flow.CheckKnown(FlowFields, NoFields);
        string name = flow.String("name") ?? defaultName;
        if (!DefinitionNames.IsValid(name))
        {
            flow.Problem("name", $"'{name}' {DefinitionNames.Rule()}");
        }

        int? maxTime = flow.Int("max_execution_time", 1);
        var steps = new List<FlowStep>();
        var stepsField = flow.Mapping("steps");
        if (stepsField is null || !stepsField.Keys.Any())
        {
            problems.Add(new DefinitionProblem("steps", "required: a mapping of step names to { crew, inputs, depends_on }"));
        }
        else
        {
            foreach (string key in stepsField.Keys)
            {
                if (stepsField.Mapping(key) is { } step)
                {
                    ReadStep(step, key, steps, crew, problems);
                }
            }
        }

        return problems.Count > 0
            ? new FlowLoadResult { Problems = problems }
            : new FlowLoadResult { Definition = new FlowDefinition { Name = name, Steps = steps, MaxExecutionTime = maxTime } };
    }

    static void ReadStep(YamlFields step, string name, List<FlowStep> earlier, Func<string, CrewLoadResult?> crews, List<DefinitionProblem> problems)
    {
        step.CheckKnown(StepFields, NoFields);
        string path = $"steps.{name}";
        if (!DefinitionNames.IsValid(name))
        {
            problems.Add(new DefinitionProblem(path, $"the name '{name}' {DefinitionNames.Rule()}"));
        }

        CrewDefinition? crew = null;
        if (step.String("crew", required: true) is { } reference)
        {
            var loaded = crews(reference);
            if (loaded is null)
            {
                problems.Add(new DefinitionProblem($"{path}.crew", $"no crew named '{reference}' (a bundled crew's name, or a path relative to the flow)"));
            }
            else if (!loaded.Succeeded)
            {
                problems.AddRange(loaded.Problems.Select(p => p with { Path = $"{path}.crew({reference}).{p.Path}" }));
            }
            else
            {
                crew = loaded.Definition;
            }
        }

        var dependsOn = step.StringList("depends_on") ?? (earlier.Count > 0 ? [earlier[^1].Name] : []);
        for (int i = 0; i < dependsOn.Count; i++)
        {
            if (earlier.All(s => s.Name != dependsOn[i]))
            {
                problems.Add(new DefinitionProblem($"{path}.depends_on[{i}]", $"no earlier step named '{dependsOn[i]}'"));
            }
        }

        var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (step.Mapping("inputs") is { } inputFields)
        {
            foreach (string key in inputFields.Keys)
            {
                inputs[key] = inputFields.String(key, allowEmpty: true) ?? string.Empty;
            }
        }

        var finishedBefore = Upstream(dependsOn, earlier);
        foreach (var (key, template) in inputs)
        {
            foreach (var used in FlowInputs.References(template).Where(r => r.Step is not null))
            {
                var source = earlier.FirstOrDefault(s => s.Name == used.Step);
                if (source is null || !finishedBefore.Contains(source.Name))
                {
                    problems.Add(new DefinitionProblem($"{path}.inputs.{key}", $"{used.Text} names a step this one does not depend on (add it to depends_on)"));
                }
                else if (used.Task is { } task && source.Crew.Tasks.All(t => t.Name != task))
                {
                    problems.Add(new DefinitionProblem($"{path}.inputs.{key}", $"{used.Text}: crew '{source.Crew.Name}' has no task named '{task}'"));
                }
            }
        }

        if (crew is not null)
        {
            foreach (string needed in CrewInputs.RequiredInputs(crew).Where(n => !inputs.ContainsKey(n)))
            {
                problems.Add(new DefinitionProblem($"{path}.inputs.{needed}", $"required: crew '{crew.Name}' uses {{{needed}}}"));
            }

            earlier.Add(new FlowStep { Name = name, Crew = crew, Inputs = inputs, DependsOn = dependsOn });
        }
    }

    /// <summary>The steps that have certainly finished when a step with these dependencies starts.</summary>
    static HashSet<string> Upstream(IReadOnlyList<string> dependsOn, IReadOnlyList<FlowStep> earlier)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(dependsOn);
        while (pending.TryPop(out string? name))
        {
            if (seen.Add(name) && earlier.FirstOrDefault(s => s.Name == name) is { } step)
            {
                foreach (string dependency in step.DependsOn)
                {
                    pending.Push(dependency);
                }
            }
        }

        return seen;
    }

    static bool IsPath(string reference) =>
        reference.Contains('/', StringComparison.Ordinal) || reference.Contains('\\', StringComparison.Ordinal)
        || reference.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || reference.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
        || reference.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
}
