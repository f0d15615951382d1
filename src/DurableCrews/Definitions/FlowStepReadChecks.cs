using System.Text.Json;
using System.Text.RegularExpressions;
using DurableCrews.Expressions;

namespace DurableCrews.Definitions;

/// <summary>
/// Checks what one step of a CrewAI-style flow reads: its expressions parse and read only names they can see, its
/// <c>for_each</c> is not knowably something other than a list, and its templates name fields, steps and tasks that
/// exist. Each problem carries its path.
/// </summary>
internal static partial class FlowStepReadChecks
{
    /// <summary>The names every expression may read.</summary>
    static readonly string[] FlowRoots = ["state", "inputs", "steps"];

    static readonly HashSet<string> StepFields = ["output", "json", "outputs", "tasks", "iteration", "outcome", "feedback"];

    /// <summary>Checks <paramref name="step"/>'s expressions, <c>for_each</c> and templates, in that order.</summary>
    public static void Check(FlowStep step, IReadOnlyList<FlowStep> steps, HashSet<string> names, JsonElement? state, HashSet<string> stateFields, List<DefinitionProblem> problems)
    {
        CheckExpressions(step, names, problems);
        CheckForEach(step, steps, state, problems);
        CheckTemplates(step, steps, stateFields, problems);
    }

    static void CheckExpressions(FlowStep step, HashSet<string> names, List<DefinitionProblem> problems)
    {
        string path = $"steps.{step.Name}";
        var withResult = FlowRoots.Concat(FlowGraphValidator.ResultRoots).ToArray();
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
            if (!FlowGraphValidator.IsFieldName(step.As) || FlowRoots.Contains(step.As) || FlowGraphValidator.ResultRoots.Contains(step.As))
            {
                problems.Add(new DefinitionProblem($"{path}.as", $"'{step.As}' cannot name the item: use letters, digits or '_', and not {string.Join(", ", FlowRoots.Concat(FlowGraphValidator.ResultRoots))}"));
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

    [GeneratedRegex(@"\bsteps\.(?<step>[A-Za-z0-9][A-Za-z0-9_-]*)")]
    private static partial Regex StepReference();

    [GeneratedRegex(@"^\s*(?:state\.(?<state>[A-Za-z_][A-Za-z0-9_]*)|steps\.(?<step>[A-Za-z0-9][A-Za-z0-9_-]*)\.json\.(?<field>[A-Za-z_][A-Za-z0-9_]*))\s*$")]
    private static partial Regex KnowableList();
}
