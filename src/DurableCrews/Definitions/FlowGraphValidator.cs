using System.Text.Json;
using System.Text.RegularExpressions;

namespace DurableCrews.Definitions;

/// <summary>
/// Checks a CrewAI-style flow as a whole before anything starts: every name a step listens to or depends on exists,
/// every label emitted is heard, every step can be reached from a start, and no loop goes round without a choice that
/// could end it; what each step reads is checked by <see cref="FlowStepReadChecks"/>. Each problem carries its path.
/// </summary>
internal static partial class FlowGraphValidator
{
    /// <summary>The names a step's own result adds for its <c>set</c> and <c>router</c>.</summary>
    internal static readonly string[] ResultRoots = ["output", "json", "outputs", "feedback", "outcome"];

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
            FlowStepReadChecks.Check(step, steps, names, state, stateFields, problems);
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

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex FieldName();
}
