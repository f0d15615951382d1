namespace DurableCrews.Definitions;

/// <summary>Reads where a graph flow goes after a step: its <c>router</c>, the state it <c>set</c>s, and a person's choice (<c>human_feedback</c>).</summary>
internal static class FlowStepControl
{
    static readonly HashSet<string> FeedbackFields = ["message", "outcomes", "timeout", "default"];
    static readonly HashSet<string> RouteFields = ["when", "emit"];

    /// <summary>A <c>human_feedback</c> step's message, outcomes, timeout and default outcome.</summary>
    public static FlowHumanFeedback? ReadFeedback(YamlFields step, string path, List<DefinitionProblem> problems)
    {
        if (step.Mapping("human_feedback") is not { } fields)
        {
            return null;
        }

        fields.CheckKnown(FeedbackFields, FlowStepReader.NoFields);
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

    /// <summary>The state fields a step sets after it runs, each to an expression.</summary>
    public static Dictionary<string, string> ReadSet(YamlFields step, List<DefinitionProblem> problems)
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

    /// <summary>A step's router: the first route whose <c>when</c> holds emits its label; a last route without one is the default.</summary>
    public static List<FlowRoute> ReadRouter(YamlFields step, List<DefinitionProblem> problems)
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
            entry.CheckKnown(RouteFields, FlowStepReader.NoFields);
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
}
