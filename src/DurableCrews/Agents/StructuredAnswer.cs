using System.Text.Json;
using System.Text.RegularExpressions;
using DurableCrews.Definitions;
using DurableCrews.Models;
using Microsoft.Extensions.AI;

namespace DurableCrews.Agents;

/// <summary>
/// Structured output for a task with <c>output_json</c>: the JSON-schema response format for the models that take it,
/// and, when an answer still does not match, the one turn that asks the model to fix it (as CrewAI's converter does)
/// before the task finishes with a warning.
/// </summary>
public static partial class StructuredAnswer
{
    /// <summary>The schema a work's answer must match: its task's <c>output_json</c>; null for other work (a delegation, a plan).</summary>
    public static JsonElement? SchemaOf(CrewDefinition crew, string workKind, int taskIndex)
    {
        ArgumentNullException.ThrowIfNull(crew);
        return workKind == "task" && taskIndex >= 0 && taskIndex < crew.Tasks.Count ? crew.Tasks[taskIndex].OutputJson : null;
    }

    /// <summary>Why an answer does not match the schema; null when it does or there is none.</summary>
    public static string? ErrorOf(JsonElement? schema, string? answer) =>
        schema is { } json ? OutputJsonParser.Parse(answer ?? string.Empty, json).Error : null;

    /// <summary>
    /// The options with the schema as the response format, for a model that takes one (<see cref="ResolvedModel.TakesJsonSchema"/>);
    /// the options unchanged otherwise.
    /// </summary>
    public static ChatOptions? WithResponseFormat(ChatOptions? options, JsonElement? schema, ResolvedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (schema is not { ValueKind: JsonValueKind.Object } json || !model.TakesJsonSchema)
        {
            return options;
        }

        var withFormat = options?.Clone() ?? new ChatOptions();
        withFormat.ResponseFormat = ChatResponseFormat.ForJsonSchema(json, NameOf(json), "The task's answer, as its output_json describes it.");
        return withFormat;
    }

    /// <summary>What the model is told in the fixing turn: what was wrong, and the schema to follow.</summary>
    public static string FixRequest(string error, JsonElement schema) =>
        $"Your answer is not the JSON the task asks for: {error}.\nWrite the same answer again as JSON only, matching this JSON schema " +
        $"(with its $defs), with nothing before or after it:\n{JsonSerializer.Serialize(schema)}";

    /// <summary>The schema's name for the provider: its <c>title</c> (pydantic writes the class name there) when it is one, else <c>task_output</c>.</summary>
    static string NameOf(JsonElement schema) =>
        schema.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String && SchemaName().IsMatch(title.GetString()!)
            ? title.GetString()!
            : "task_output";

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex SchemaName();
}
