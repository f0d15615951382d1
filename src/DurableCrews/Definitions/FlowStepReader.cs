namespace DurableCrews.Definitions;

/// <summary>
/// Reads one step of a flow: its kind, the crew it runs, its inputs and what starts it; in a linear flow, also that its
/// inputs name only steps it depends on. Problems are collected with their paths.
/// </summary>
internal static class FlowStepReader
{
    /// <summary>No nested fields to allow beside the known ones.</summary>
    internal static readonly HashSet<string> NoFields = [];

    static readonly HashSet<string> CrewStepFields = ["crew", "inputs", "depends_on"];

    /// <summary>The step fields of CrewAI-style flows; any of them (or a flow <c>state</c>) makes a flow one.</summary>
    static readonly HashSet<string> GraphStepFields =
    [
        "start", "listen", "router", "set", "for_each", "as", "max_parallel", "max_iterations", "agent", "prompt",
        "expected_output", "output_json", "human_feedback",
    ];

    static readonly HashSet<string> StepFields = [.. CrewStepFields, .. GraphStepFields];

    /// <summary>Whether a step uses a field of CrewAI-style flows, which makes its flow one.</summary>
    public static bool UsesGraphFields(YamlFields step) => GraphStepFields.Any(step.Has);

    /// <summary>Reads the step <paramref name="name"/> and, when it is sound, adds it to <paramref name="earlier"/>.</summary>
    public static void Read(YamlFields step, string name, List<FlowStep> earlier, Func<string, CrewLoadResult?> crews, bool graph, List<DefinitionProblem> problems)
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
            FlowStepKind.Crew => FlowStepCrews.Named(step, path, crews, problems),
            FlowStepKind.Agent => FlowStepCrews.ForAgent(step, name, path, crews, problems),
            _ => null,
        };
        var feedback = kind == FlowStepKind.HumanFeedback ? FlowStepControl.ReadFeedback(step, path, problems) : null;
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
            inputs[FlowStepCrews.AgentPromptInput] = prompt;
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
                Set = FlowStepControl.ReadSet(step, problems),
                Router = FlowStepControl.ReadRouter(step, problems),
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
}
