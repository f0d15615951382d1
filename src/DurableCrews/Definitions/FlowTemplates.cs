using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace DurableCrews.Definitions;

/// <summary>
/// The templates of a step in a flow with state (<see cref="FlowDefinition.UsesGraph"/>): <c>{name}</c> is a kickoff
/// input (or else a state field), and a dotted reference is a path into the flow's variables: <c>{state.FIELD}</c>,
/// <c>{inputs.NAME}</c>, <c>{steps.STEP.output|json|outputs|tasks.TASK}</c>, and a <c>for_each</c> step's item
/// (<c>{item}</c>, <c>{item.title}</c>). Braces that name nothing known are left alone, as in crews.
/// </summary>
public static partial class FlowTemplates
{
    /// <summary>The references in a template, each split at its dots (<c>state.topic</c> → <c>["state", "topic"]</c>).</summary>
    public static IReadOnlyList<IReadOnlyList<string>> References(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return Pattern().Matches(template).Select(m => (IReadOnlyList<string>)m.Groups["ref"].Value.Split('.')).ToList();
    }

    /// <summary>Fills a template from the flow's variables (<c>inputs</c>, <c>state</c>, <c>steps</c> and any item name).</summary>
    public static string Fill(string template, JsonObject variables)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(variables);
        return Pattern().Replace(template, m =>
        {
            var path = m.Groups["ref"].Value.Split('.');
            if (path.Length == 1 && !variables.ContainsKey(path[0]))
            {
                // A bare name is a kickoff input, or else the state field of that name (CrewAI's inputs merge into state).
                var bare = (variables["inputs"] as JsonObject)?[path[0]] ?? (variables["state"] as JsonObject)?[path[0]];
                return bare is null ? m.Value : Text(bare);
            }

            if (!variables.ContainsKey(path[0]))
            {
                return m.Value;
            }

            JsonNode? node = variables;
            foreach (string part in path)
            {
                node = node is JsonObject obj ? obj[part]
                    : node is JsonArray list && int.TryParse(part, out int index) && index >= 0 && index < list.Count ? list[index]
                    : null;
            }

            return Text(node);
        });
    }

    /// <summary>A value as template text: a string as itself, nothing as empty, anything else as JSON.</summary>
    public static string Text(JsonNode? node) => node switch
    {
        null => string.Empty,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    [GeneratedRegex(@"\{(?<ref>[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)\}")]
    private static partial Regex Pattern();
}
