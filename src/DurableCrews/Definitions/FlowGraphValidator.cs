using System.Text.Json;
using System.Text.RegularExpressions;
using DurableCrews.Expressions;

namespace DurableCrews.Definitions;

/// <summary>
/// Checks a CrewAI-style flow as a whole before anything starts: every name a step listens to or depends on exists,
/// every label emitted is heard, every step can be reached from a start, no loop goes round without a choice that
/// could end it, every expression parses and reads only names it can see, and a <c>for_each</c> that is knowably
/// not a list is reported. Each problem carries its path.
/// </summary>
internal static partial class FlowGraphValidator
{
    /// <summary>The names every expression may read.</summary>
    static readonly string[] FlowRoots = ["state", "inputs", "steps"];

    /// <summary>The names a step's own result adds for its <c>set</c> and <c>router</c>.</summary>
    internal static readonly string[] ResultRoots = ["output", "json", "outputs", "feedback", "outcome"];

    static readonly HashSet<string> StepFields = ["output", "json", "outputs", "tasks", "iteration", "outcome", "feedback"];

    /// <summary>Whether <paramref name="name"/> may name a state field or an item.</summary>
    public static bool IsFieldName(string name) => FieldName().IsMatch(name);

    public static void Check(IReadOnlyList<FlowStep> steps, JsonElement? state, List<DefinitionProblem> problems)
    {
        var names = steps.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var emitters = steps.SelectMany(s => s.Emits().Select(label => (label, s.Name))).ToLookup(e => e.label, e => e.Name, StringComparer.Ordinal);
        CheckNames(steps, names, emitters, problems);
        if (!steps.Any(IsStart))
        {
            problems.Add(new DefinitionProblem("steps", "no step starts the flow: give one 'start: true' (or no listen and depends_on: [])"));
        }
        else if (problems.Count == 0)
        {
            CheckReachable(steps, problems);
            CheckLoops(steps, problems);
        }

        var stateFields = (state is { ValueKind: JsonValueKind.Object } s ? s.EnumerateObject().Select(p => p.Name) : [])
            .Concat(steps.SelectMany(st => st.Set.Keys)).ToHashSet(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            CheckExpressions(step, names, problems);
            CheckForEach(step, steps, state, problems);
            CheckTemplates(step, steps, stateFields, problems);
        }
    }

    /// <summary>Whether a step runs when the flow starts.</summary>
    public static bool IsStart(FlowStep step) => step.Start || (step.Listen.Count == 0 && step.DependsOn.Count == 0);

    static void CheckNames(IReadOnlyList<FlowStep> steps, HashSet<string> names, ILookup<string, string> emitters, List<DefinitionProblem> problems)
    {
        var heard = steps.SelectMany(s => s.Listen).ToHashSet(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            string path = $"steps.{step.Name}";
            for (int i = 0; i < step.DependsOn.Count; i++)
            {
                if (!names.Contains(step.DependsOn[i]))
                {
                    problems.Add(new DefinitionProblem($"{path}.depends_on[{i}]", $"no step named '{step.DependsOn[i]}'"));
                }
            }

            for (int i = 0; i < step.Listen.Count; i++)
            {
                string name = step.Listen[i];
                if (!names.Contains(name) && !emitters.Contains(name))
                {
                    problems.Add(new DefinitionProblem($"{path}.listen{(step.Listen.Count > 1 ? $"[{i}]" : string.Empty)}", $"no step or label named '{name}' (a label is a router's emit or a human_feedback outcome)"));
                }
            }

            for (int i = 0; i < step.Router.Count; i++)
            {
                CheckLabel(step.Router[i].Emit, $"{path}.router[{i}].emit", names, heard, problems);
            }

            // An outcome nobody listens to is a person's choice to end the flow there (CrewAI's "quit"); a router's
            // label nobody hears is a mistake, since a router could simply not emit.
            var outcomes = step.HumanFeedback?.Outcomes ?? [];
            for (int i = 0; i < outcomes.Count; i++)
            {
                CheckLabel(outcomes[i], $"{path}.human_feedback.outcomes[{i}]", names, null, problems);
            }
        }
    }

    static void CheckLabel(string label, string path, HashSet<string> names, HashSet<string>? heard, List<DefinitionProblem> problems)
    {
        if (names.Contains(label))
        {
            problems.Add(new DefinitionProblem(path, $"'{label}' is also a step's name; a label must differ from every step name"));
        }
        else if (heard is not null && !heard.Contains(label))
        {
            problems.Add(new DefinitionProblem(path, $"no step listens to '{label}' (add 'listen: {label}' to the step it should start)"));
        }
    }

    /// <summary>The steps each step can start: those listening to it or its labels, or depending on it.</summary>
    static Dictionary<string, List<(string To, bool Conditional)>> Edges(IReadOnlyList<FlowStep> steps)
    {
        var edges = steps.ToDictionary(s => s.Name, _ => new List<(string, bool)>(), StringComparer.Ordinal);
        foreach (var from in steps)
        {
            // A label is a choice only when the step could have emitted another one (or none: a router without default).
            var labels = from.Emits().ToList();
            bool choice = labels.Count > 1 || from.Router.Any(r => r.When is not null);
            foreach (var to in steps)
            {
                if (to.Listen.Contains(from.Name) || to.DependsOn.Contains(from.Name))
                {
                    edges[from.Name].Add((to.Name, false));
                }

                if (labels.Any(to.Listen.Contains))
                {
                    edges[from.Name].Add((to.Name, choice));
                }
            }
        }

        return edges;
    }

    static void CheckReachable(IReadOnlyList<FlowStep> steps, List<DefinitionProblem> problems)
    {
        var edges = Edges(steps);
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>(steps.Where(IsStart).Select(s => s.Name));
        while (pending.TryDequeue(out string? name))
        {
            if (reached.Add(name))
            {
                foreach (var (to, _) in edges[name])
                {
                    pending.Enqueue(to);
                }
            }
        }

        // A depends_on step starts only once all it depends on have run, so each of them must be reachable too.
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var step in steps.Where(s => reached.Contains(s.Name) && !IsStart(s) && s.Listen.Count == 0 && !s.DependsOn.All(reached.Contains)))
            {
                changed |= reached.Remove(step.Name);
            }
        }

        foreach (var step in steps.Where(s => !reached.Contains(s.Name)))
        {
            problems.Add(new DefinitionProblem($"steps.{step.Name}", "unreachable: no start step leads to it through listen, depends_on or a label"));
        }
    }

    /// <summary>A loop every pass of which goes round again (no router or human_feedback choice on it) never ends by itself.</summary>
    static void CheckLoops(IReadOnlyList<FlowStep> steps, List<DefinitionProblem> problems)
    {
        var edges = Edges(steps);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            if (FindCycle(step.Name, edges) is { } cycle && reported.Add(string.Join(",", cycle.Order(StringComparer.Ordinal))))
            {
                problems.Add(new DefinitionProblem(
                    $"steps.{step.Name}",
                    $"the loop {string.Join(" → ", cycle.Append(cycle[0]))} has no choice that ends it (a router with 'when', or a human_feedback outcome leaving the loop); it would run until max_iterations fails the flow"));
            }
        }
    }

    /// <summary>A cycle through <paramref name="start"/> over unconditional edges only, or null.</summary>
    static List<string>? FindCycle(string start, Dictionary<string, List<(string To, bool Conditional)>> edges)
    {
        var path = new List<string> { start };
        var seen = new HashSet<string>(StringComparer.Ordinal);

        List<string>? Walk(string node)
        {
            foreach (var (to, conditional) in edges[node].Where(e => !e.Conditional))
            {
                if (to == start)
                {
                    return [.. path];
                }

                if (seen.Add(to))
                {
                    path.Add(to);
                    if (Walk(to) is { } found)
                    {
                        return found;
                    }

                    path.RemoveAt(path.Count - 1);
                }
            }

            return null;
        }

        return Walk(start);
    }

    static void CheckExpressions(FlowStep step, HashSet<string> names, List<DefinitionProblem> problems)
    {
        string path = $"steps.{step.Name}";
        var withResult = FlowRoots.Concat(ResultRoots).ToArray();
        foreach (var (field, text) in step.Set)
        {
            CheckExpression(text, $"{path}.set.{field}", withResult, names, problems);
        }

        for (int i = 0; i < step.Router.Count; i++)
        {
            if (step.Router[i].When is { } when)
            {
                CheckExpression(when, $"{path}.router[{i}].when", withResult, names, problems);
            }
        }

        if (step.ForEach is { } forEach)
        {
            CheckExpression(forEach, $"{path}.for_each", FlowRoots, names, problems);
            if (!IsFieldName(step.As) || FlowRoots.Contains(step.As) || ResultRoots.Contains(step.As))
            {
                problems.Add(new DefinitionProblem($"{path}.as", $"'{step.As}' cannot name the item: use letters, digits or '_', and not {string.Join(", ", FlowRoots.Concat(ResultRoots))}"));
            }
        }
    }

    static void CheckExpression(string text, string path, IReadOnlyCollection<string> roots, HashSet<string> names, List<DefinitionProblem> problems)
    {
        CrewExpression expression;
        try
        {
            expression = CrewExpression.Parse(text);
        }
        catch (ExpressionException ex)
        {
            problems.Add(new DefinitionProblem(path, $"at position {ex.Position}: {ex.Message}"));
            return;
        }

        foreach (string root in expression.Roots.Where(r => !roots.Contains(r)))
        {
            problems.Add(new DefinitionProblem(path, $"unknown name '{root}'; an expression here reads {string.Join(", ", roots)}"));
        }

        foreach (Match used in StepReference().Matches(text))
        {
            if (!names.Contains(used.Groups["step"].Value))
            {
                problems.Add(new DefinitionProblem(path, $"no step named '{used.Groups["step"].Value}' (at position {used.Index})"));
            }
        }
    }

    /// <summary>A <c>for_each</c> that reads a state field with a non-list initial value, or a non-list field of a step's JSON schema.</summary>
    static void CheckForEach(FlowStep step, IReadOnlyList<FlowStep> steps, JsonElement? state, List<DefinitionProblem> problems)
    {
        if (step.ForEach is not { } text)
        {
            return;
        }

        var match = KnowableList().Match(text);
        if (!match.Success)
        {
            return;
        }

        string? kind = null;
        if (match.Groups["state"].Success && state is { ValueKind: JsonValueKind.Object } initial
            && initial.TryGetProperty(match.Groups["state"].Value, out var value) && value.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null)
            && !steps.Any(s => s.Set.ContainsKey(match.Groups["state"].Value)))
        {
            kind = $"state.{match.Groups["state"].Value} starts as {value.ValueKind.ToString().ToLowerInvariant()} and no step sets it";
        }
        else if (match.Groups["step"].Success && steps.FirstOrDefault(s => s.Name == match.Groups["step"].Value) is { ForEach: null, Crew: { } crew }
            && crew.Tasks[^1].OutputJson is { ValueKind: JsonValueKind.Object } schema
            && schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
            && properties.TryGetProperty(match.Groups["field"].Value, out var property)
            && property.ValueKind == JsonValueKind.Object && property.TryGetProperty("type", out var type)
            && type.ValueKind == JsonValueKind.String && type.GetString() != "array")
        {
            kind = $"field '{match.Groups["field"].Value}' of step '{match.Groups["step"].Value}''s output_json is a {type.GetString()}";
        }

        if (kind is not null)
        {
            problems.Add(new DefinitionProblem($"steps.{step.Name}.for_each", $"must give a list: {kind}"));
        }
    }

    static void CheckTemplates(FlowStep step, IReadOnlyList<FlowStep> steps, HashSet<string> stateFields, List<DefinitionProblem> problems)
    {
        var templates = step.Inputs.Select(i => ($"steps.{step.Name}.{(step.Kind == FlowStepKind.Agent ? "prompt" : $"inputs.{i.Key}")}", i.Value)).ToList();
        if (step.HumanFeedback is { } feedback)
        {
            templates.Add(($"steps.{step.Name}.human_feedback.message", feedback.Message));
        }

        foreach (var (path, template) in templates)
        {
            foreach (var reference in FlowTemplates.References(template).Where(r => r.Count > 1))
            {
                if (ReferenceProblem(reference, step, steps, stateFields) is { } problem)
                {
                    problems.Add(new DefinitionProblem(path, $"{{{string.Join('.', reference)}}}: {problem}"));
                }
            }
        }
    }

    static string? ReferenceProblem(IReadOnlyList<string> reference, FlowStep step, IReadOnlyList<FlowStep> steps, HashSet<string> stateFields)
    {
        switch (reference[0])
        {
            case "inputs":
                return null;
            case "state":
                return stateFields.Contains(reference[1]) ? null : $"no state field '{reference[1]}' (declare it under state: or set it with set:)";
            case "steps":
                if (steps.FirstOrDefault(s => s.Name == reference[1]) is not { } source)
                {
                    return $"no step named '{reference[1]}'";
                }

                if (reference.Count < 3 || !StepFields.Contains(reference[2]))
                {
                    return $"a step's result is read as steps.{reference[1]}.output, .json, .outputs, .tasks.TASK, .outcome or .feedback";
                }

                return reference[2] == "tasks" && (reference.Count < 4 || source.Crew?.Tasks.All(t => t.Name != reference[3]) != false)
                    ? $"step '{source.Name}' has no task named '{(reference.Count < 4 ? string.Empty : reference[3])}'"
                    : null;
            default:
                return step.ForEach is not null && reference[0] == step.As ? null
                    : $"unknown name '{reference[0]}'; a reference reads state, inputs, steps{(step.ForEach is null ? string.Empty : $" or {step.As}")}";
        }
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex FieldName();

    [GeneratedRegex(@"\bsteps\.(?<step>[A-Za-z0-9][A-Za-z0-9_-]*)")]
    private static partial Regex StepReference();

    [GeneratedRegex(@"^\s*(?:state\.(?<state>[A-Za-z_][A-Za-z0-9_]*)|steps\.(?<step>[A-Za-z0-9][A-Za-z0-9_-]*)\.json\.(?<field>[A-Za-z_][A-Za-z0-9_]*))\s*$")]
    private static partial Regex KnowableList();
}
