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

    static readonly HashSet<string> FlowFields = ["name", "steps", "max_execution_time", "state"];

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
        flow.CheckKnown(FlowFields, FlowStepReader.NoFields);
        string name = flow.String("name") ?? defaultName;
        if (!DefinitionNames.IsValid(name))
        {
            flow.Problem("name", $"'{name}' {DefinitionNames.Rule()}");
        }

        int? maxTime = flow.Int("max_execution_time", 1);
        var steps = new List<FlowStep>();
        var stepsField = flow.Mapping("steps");
        var stepFields = stepsField?.Keys.Select(key => (Key: key, Fields: stepsField.Mapping(key))).ToList() ?? [];
        bool graph = flow.Has("state") || stepFields.Any(s => s.Fields is { } f && FlowStepReader.UsesGraphFields(f));
        if (stepsField is null || !stepsField.Keys.Any())
        {
            problems.Add(new DefinitionProblem("steps", "required: a mapping of step names to { crew, inputs, depends_on }"));
        }
        else if (stepFields.Count > FlowDefinition.MaxSteps)
        {
            problems.Add(new DefinitionProblem("steps", $"{stepFields.Count} steps; a flow has at most {FlowDefinition.MaxSteps}"));
        }
        else
        {
            foreach (var (key, fields) in stepFields)
            {
                if (fields is not null)
                {
                    FlowStepReader.Read(fields, key, steps, crew, graph, problems);
                }
            }
        }

        var state = graph ? ReadState(flow, problems) : null;
        if (graph && problems.Count == 0)
        {
            FlowGraphValidator.Check(steps, state, problems);
        }

        return problems.Count > 0
            ? new FlowLoadResult { Problems = problems }
            : new FlowLoadResult { Definition = new FlowDefinition { Name = name, Steps = steps, MaxExecutionTime = maxTime, State = state } };
    }

    static System.Text.Json.JsonElement? ReadState(YamlFields flow, List<DefinitionProblem> problems)
    {
        var state = flow.Json("state");
        if (state is not { } value)
        {
            return null;
        }

        if (value.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            problems.Add(new DefinitionProblem("state", "must be a mapping of field names to initial values"));
            return null;
        }

        int size = System.Text.Encoding.UTF8.GetByteCount(value.GetRawText());
        if (size > FlowDefinition.MaxStateBytes)
        {
            problems.Add(new DefinitionProblem("state", $"{size} bytes of JSON; the state holds at most {FlowDefinition.MaxStateBytes}"));
        }

        foreach (var field in value.EnumerateObject().Where(f => !FlowGraphValidator.IsFieldName(f.Name)))
        {
            problems.Add(new DefinitionProblem($"state.{field.Name}", "a state field's name must be letters, digits or '_', starting with a letter or '_'"));
        }

        return value;
    }

    static bool IsPath(string reference) =>
        reference.Contains('/', StringComparison.Ordinal) || reference.Contains('\\', StringComparison.Ordinal)
        || reference.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || reference.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
        || reference.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
}
