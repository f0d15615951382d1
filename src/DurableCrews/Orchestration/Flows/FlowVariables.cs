using System.Text.Json;
using System.Text.Json.Nodes;
using DurableCrews.Definitions;
using DurableCrews.Runs;
using DurableCrews.Storage;

namespace DurableCrews.Orchestration.Flows;

/// <summary>
/// The names a flow's templates and expressions read: <c>inputs</c>, <c>state</c>, and <c>steps.S</c> with each step's
/// last run (<c>output</c>, <c>json</c>, <c>outputs</c>, <c>tasks.T</c>, <c>iteration</c>, <c>outcome</c>,
/// <c>feedback</c>); a <c>for_each</c> step's <c>output</c> joins its items' outputs, and its <c>json</c> lists theirs.
/// </summary>
internal static class FlowVariables
{
    /// <summary>The variables with the steps' results read from their stored outputs.</summary>
    public static async Task<JsonObject> BuildAsync(RunStore runs, FlowRunRecord flow, JsonObject state, IReadOnlyDictionary<string, FlowStepRecord> steps, CancellationToken cancellationToken)
    {
        var results = new JsonObject();
        foreach (var (name, record) in steps)
        {
            var outputs = new List<CrewOutput>();
            foreach (string runId in record.RunIds)
            {
                outputs.Add(await runs.GetResultAsync(runId, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Step '{name}' run '{runId}' has no stored result."));
            }

            bool forEach = flow.Flow.Steps.FirstOrDefault(s => s.Name == name)?.ForEach is not null;
            results[name] = Result(record, outputs, forEach);
        }

        return new JsonObject
        {
            ["inputs"] = new JsonObject(flow.Inputs.Select(i => KeyValuePair.Create(i.Key, (JsonNode?)JsonValue.Create(i.Value)))),
            ["state"] = state.DeepClone(),
            ["steps"] = results,
        };
    }

    /// <summary>The variables of a step's <c>set</c> and <c>router</c>: the flow's, with the step's own result as <c>output</c>, <c>json</c>, ….</summary>
    public static JsonObject WithResult(JsonObject variables, string step)
    {
        var own = (variables["steps"] as JsonObject)?[step] as JsonObject;
        foreach (string root in FlowGraphValidator.ResultRoots)
        {
            variables[root] = own?[root]?.DeepClone();
        }

        return variables;
    }

    static JsonObject Result(FlowStepRecord record, IReadOnlyList<CrewOutput> outputs, bool forEach)
    {
        var tasks = new JsonObject();
        if (!forEach && outputs.Count == 1)
        {
            foreach (var task in outputs[0].TasksOutput)
            {
                tasks[task.Name] = task.Raw;
            }
        }

        JsonNode? json = forEach
            ? new JsonArray(outputs.Select(o => Node(o.Json)).ToArray())
            : outputs.Count == 1 ? Node(outputs[0].Json) : null;
        string output = record.Outcome is not null
            ? record.Feedback ?? record.Outcome
            : string.Join("\n\n", outputs.Select(o => o.Raw));
        return new JsonObject
        {
            ["output"] = output,
            ["json"] = json,
            ["outputs"] = new JsonArray(outputs.Select(o => (JsonNode?)JsonValue.Create(o.Raw)).ToArray()),
            ["tasks"] = tasks,
            ["iteration"] = record.Iteration,
            ["outcome"] = record.Outcome,
            ["feedback"] = record.Feedback,
        };
    }

    static JsonNode? Node(JsonElement? element) => element is { } value ? JsonNode.Parse(value.GetRawText()) : null;
}
