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
    static readonly HashSet<string> CrewStepFields = ["crew", "inputs", "depends_on"];

    /// <summary>The step fields of CrewAI-style flows; any of them (or a flow <c>state</c>) makes a flow one.</summary>
    static readonly HashSet<string> GraphStepFields =
    [
        "start", "listen", "router", "set", "for_each", "as", "max_parallel", "max_iterations", "agent", "prompt",
        "expected_output", "output_json", "human_feedback",
    ];

    static readonly HashSet<string> StepFields = [.. CrewStepFields, .. GraphStepFields];
    static readonly HashSet<string> AgentFields = ["role", "goal", "backstory", "llm", "crew", "name"];
    static readonly HashSet<string> FeedbackFields = ["message", "outcomes", "timeout", "default"];
    static readonly HashSet<string> RouteFields = ["when", "emit"];
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
        var stepFields = stepsField?.Keys.Select(key => (Key: key, Fields: stepsField.Mapping(key))).ToList() ?? [];
        bool graph = flow.Has("state") || stepFields.Any(s => s.Fields is { } f && GraphStepFields.Any(f.Has));
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
                    ReadStep(fields, key, steps, crew, graph, problems);
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

    static void ReadStep(YamlFields step, string name, List<FlowStep> earlier, Func<string, CrewLoadResult?> crews, bool graph, List<DefinitionProblem> problems)
    {
        step.CheckKnown(graph ? StepFields : CrewStepFields, NoFields);
        string path = $"steps.{name}";
        if (!DefinitionNames.IsValid(name))
        {
            problems.Add(new DefinitionProblem(path, $"the name '{name}' {DefinitionNames.Rule()}"));
        }

        var kinds = new[] { "crew", "agent", "human_feedback" }.Where(step.Has).ToList();
        if (graph && kinds.Count != 1)
        {
            problems.Add(new DefinitionProblem(path, kinds.Count == 0
                ? "required: one of crew (a crew run), agent (one agent answering a prompt) or human_feedback (a person's choice)"
                : $"has {string.Join(" and ", kinds)}; a step does one of them"));
            return;
        }

        var kind = !graph || kinds[0] == "crew" ? FlowStepKind.Crew : kinds[0] == "agent" ? FlowStepKind.Agent : FlowStepKind.HumanFeedback;
        CrewDefinition? crew = kind switch
        {
            FlowStepKind.Crew => ReadCrew(step, path, crews, problems),
            FlowStepKind.Agent => ReadAgentCrew(step, name, path, crews, problems),
            _ => null,
        };
        var feedback = kind == FlowStepKind.HumanFeedback ? ReadFeedback(step, path, problems) : null;
        bool start = graph && (step.Bool("start") ?? false);
        var listen = graph ? step.NameOrList("listen") ?? [] : [];
        var dependsOn = step.StringList("depends_on") ?? (earlier.Count > 0 && !start && listen.Count == 0 ? [earlier[^1].Name] : []);
        for (int i = 0; i < dependsOn.Count && !graph; i++)
        {
            if (earlier.All(s => s.Name != dependsOn[i]))
            {
                problems.Add(new DefinitionProblem($"{path}.depends_on[{i}]", $"no earlier step named '{dependsOn[i]}'"));
            }
        }

        var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (step.Mapping("inputs") is { } inputFields)
        {
            if (kind != FlowStepKind.Crew)
            {
                step.Problem("inputs", "only a crew step takes inputs; an agent step fills its prompt, a human_feedback step its message");
            }

            foreach (string key in inputFields.Keys)
            {
                inputs[key] = inputFields.String(key, allowEmpty: true) ?? string.Empty;
            }
        }

        if (kind == FlowStepKind.Agent && step.String("prompt", required: true) is { } prompt)
        {
            inputs[AgentPromptInput] = prompt;
        }

        if (graph)
        {
            foreach (string key in new[] { "prompt", "expected_output", "output_json" }.Where(k => kind != FlowStepKind.Agent && step.Has(k)))
            {
                step.Problem(key, $"only an agent step takes {key}; a crew's tasks say what they expect");
            }

            if (kind == FlowStepKind.HumanFeedback && step.Has("for_each"))
            {
                step.Problem("for_each", "a human_feedback step asks once; run the steps around it per item instead");
            }

            if (crew is not null)
            {
                foreach (string needed in CrewInputs.RequiredInputs(crew).Where(n => !inputs.ContainsKey(n)))
                {
                    problems.Add(new DefinitionProblem($"{path}.inputs.{needed}", $"required: crew '{crew.Name}' uses {{{needed}}}"));
                }
            }

            earlier.Add(new FlowStep
            {
                Name = name,
                Kind = kind,
                Crew = crew,
                Inputs = inputs,
                DependsOn = dependsOn,
                Start = start,
                Listen = listen,
                Set = ReadSet(step, problems),
                Router = ReadRouter(step, problems),
                ForEach = step.String("for_each"),
                As = step.String("as") ?? "item",
                MaxParallel = step.Int("max_parallel", 1, 64) ?? 8,
                MaxIterations = step.Int("max_iterations", 1, 1000) ?? 10,
                HumanFeedback = feedback,
            });
            return;
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
                else if (used.Task is { } task && source.Crew!.Tasks.All(t => t.Name != task))
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

    /// <summary>The input of an agent step's one-task crew that carries its prompt.</summary>
    internal const string AgentPromptInput = "prompt";

    static CrewDefinition? ReadCrew(YamlFields step, string path, Func<string, CrewLoadResult?> crews, List<DefinitionProblem> problems)
    {
        if (step.String("crew", required: true) is not { } reference)
        {
            return null;
        }

        var loaded = crews(reference);
        if (loaded is null)
        {
            problems.Add(new DefinitionProblem($"{path}.crew", $"no crew named '{reference}' (a bundled crew's name, or a path relative to the flow)"));
        }
        else if (!loaded.Succeeded)
        {
            problems.AddRange(loaded.Problems.Select(p => p with { Path = $"{path}.crew({reference}).{p.Path}" }));
        }

        return loaded?.Succeeded == true ? loaded.Definition : null;
    }

    /// <summary>
    /// An agent step as a one-task crew (CrewAI's <c>Agent.kickoff</c>): the agent written inline (role, goal,
    /// backstory, llm) or one of a crew's (<c>crew</c> + <c>name</c>), its task the step's prompt.
    /// </summary>
    static CrewDefinition? ReadAgentCrew(YamlFields step, string name, string path, Func<string, CrewLoadResult?> crews, List<DefinitionProblem> problems)
    {
        if (step.Mapping("agent") is not { } fields)
        {
            return null;
        }

        fields.CheckKnown(AgentFields, NoFields);
        AgentDefinition? agent;
        if (fields.Has("crew"))
        {
            var crew = ReadCrew(fields, $"{path}.agent", crews, problems);
            string? agentName = fields.String("name", required: true);
            agent = crew is null || agentName is null ? null : crew.FindAgent(agentName);
            if (crew is not null && agentName is not null && agent is null)
            {
                fields.Problem("name", $"crew '{crew.Name}' has no agent named '{agentName}'");
            }

            agent = agent is null ? null : agent with { Llm = agent.Llm ?? crew!.Llm };
        }
        else
        {
            string? role = fields.String("role", required: true);
            string? goal = fields.String("goal", required: true);
            string? backstory = fields.String("backstory", required: true);
            agent = role is null || goal is null || backstory is null ? null
                : new AgentDefinition { Name = "agent", Role = role, Goal = goal, Backstory = backstory, Llm = fields.String("llm") };
        }

        var task = new TaskDefinition
        {
            Name = name,
            Description = $"{{{AgentPromptInput}}}",
            ExpectedOutput = step.String("expected_output") ?? "A direct and complete answer to the request.",
            Agent = agent?.Name,
            OutputJson = step.Json("output_json"),
        };
        return agent is null ? null : new CrewDefinition { Name = name, Agents = [agent], Tasks = [task] };
    }

    static FlowHumanFeedback? ReadFeedback(YamlFields step, string path, List<DefinitionProblem> problems)
    {
        if (step.Mapping("human_feedback") is not { } fields)
        {
            return null;
        }

        fields.CheckKnown(FeedbackFields, NoFields);
        string? message = fields.String("message", required: true);
        var outcomes = fields.StringList("outcomes") ?? [];
        if (outcomes.Count == 0)
        {
            problems.Add(new DefinitionProblem($"{path}.human_feedback.outcomes", "required: the outcomes a person may choose, each emitted as a label"));
        }

        foreach (var (outcome, i) in outcomes.Select((o, i) => (o, i)).Where(o => !DefinitionNames.IsValid(o.o)))
        {
            problems.Add(new DefinitionProblem($"{path}.human_feedback.outcomes[{i}]", $"'{outcome}' {DefinitionNames.Rule()}"));
        }

        int? timeout = fields.Int("timeout", 1);
        string? fallback = fields.String("default");
        if (fallback is not null && !outcomes.Contains(fallback))
        {
            fields.Problem("default", $"'{fallback}' is not one of the outcomes ({string.Join(", ", outcomes)})");
        }

        if (fallback is not null && timeout is null)
        {
            fields.Problem("default", "is taken when the timeout passes; give a timeout (seconds) too");
        }

        return message is null ? null : new FlowHumanFeedback { Message = message, Outcomes = outcomes, Timeout = timeout, Default = fallback };
    }

    static Dictionary<string, string> ReadSet(YamlFields step, List<DefinitionProblem> problems)
    {
        var set = new Dictionary<string, string>(StringComparer.Ordinal);
        if (step.Mapping("set") is { } fields)
        {
            foreach (string key in fields.Keys)
            {
                if (!FlowGraphValidator.IsFieldName(key))
                {
                    problems.Add(new DefinitionProblem(fields.Child(key), "a state field's name must be letters, digits or '_', starting with a letter or '_'"));
                }
                else if (fields.String(key, required: true) is { } expression)
                {
                    set[key] = expression;
                }
            }
        }

        return set;
    }

    static List<FlowRoute> ReadRouter(YamlFields step, List<DefinitionProblem> problems)
    {
        var routes = new List<FlowRoute>();
        var entries = step.MappingList("router") ?? [];
        if (entries.Count > FlowDefinition.MaxRoutes)
        {
            step.Problem("router", $"{entries.Count} routes; a router has at most {FlowDefinition.MaxRoutes}");
            return routes;
        }

        foreach (var (entry, i) in entries.Select((e, i) => (e, i)))
        {
            entry.CheckKnown(RouteFields, NoFields);
            string? when = entry.String("when");
            string? emit = entry.String("emit", required: true);
            if (emit is not null && !DefinitionNames.IsValid(emit))
            {
                entry.Problem("emit", $"'{emit}' {DefinitionNames.Rule()}");
            }

            if (when is null && i < entries.Count - 1)
            {
                entry.Problem(string.Empty, "a route without 'when' is the default and must come last (the routes after it could never be taken)");
            }

            if (emit is not null)
            {
                routes.Add(new FlowRoute { When = when, Emit = emit });
            }
        }

        return routes;
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
