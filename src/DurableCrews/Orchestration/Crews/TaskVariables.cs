using System.Text.Json;
using System.Text.Json.Nodes;
using DurableCrews.Definitions;
using DurableCrews.Runs;

namespace DurableCrews.Orchestration.Crews;

/// <summary>
/// The names a task's <c>condition</c> and <c>for_each</c> read: <c>inputs</c> (the kickoff's), and each earlier task
/// by its name as <c>{output: text, json: parsed output_json or null}</c> with the fields of its JSON object beside
/// them, so that both <c>research.json.count</c> and CrewAI's shorter <c>explore.datasets</c> read the JSON. A
/// <c>for_each</c> task reads as all its items: <c>output</c> their texts joined, <c>json</c> and <c>outputs</c> lists in
/// item order, <c>items</c> the list it ran over. A skipped task reads with an empty output and <c>skipped</c>, the reason.
/// </summary>
internal static class TaskVariables
{
    public static JsonObject Of(IEnumerable<(TaskOutput Task, IReadOnlyList<TaskOutput> Items)> tasks, IReadOnlyDictionary<string, string> inputs)
    {
        var variables = new JsonObject { [TaskExpressionChecks.Inputs] = new JsonObject(inputs.Select(i => KeyValuePair.Create(i.Key, (JsonNode?)i.Value))) };
        foreach (var (task, items) in tasks)
        {
            variables[task.Name] = task.Items is null ? Single(task) : Gathered(task, items);
        }

        return variables;
    }

    static JsonObject Single(TaskOutput task)
    {
        var json = Node(task.Json);
        var variable = json is JsonObject fields ? new JsonObject(fields.Select(f => KeyValuePair.Create(f.Key, f.Value?.DeepClone()))) : [];
        variable["output"] = task.Raw;
        variable["json"] = json;
        if (task.Skipped is { } reason)
        {
            variable["skipped"] = reason;
        }

        return variable;
    }

    static JsonObject Gathered(TaskOutput task, IReadOnlyList<TaskOutput> items) => new()
    {
        ["output"] = string.Join("\n\n", items.Select(i => i.Raw)),
        ["json"] = new JsonArray([.. items.Select(i => Node(i.Json))]),
        ["outputs"] = new JsonArray([.. items.Select(i => (JsonNode?)i.Raw)]),
        ["items"] = new JsonArray([.. (task.Items ?? []).Select(i => Node(i))]),
    };

    static JsonNode? Node(JsonElement? element) => element is { ValueKind: not JsonValueKind.Undefined } value ? JsonNode.Parse(value.GetRawText()) : null;
}
