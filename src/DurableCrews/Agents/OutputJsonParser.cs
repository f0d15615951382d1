using System.Text.Json;
using Json.Schema;

namespace DurableCrews.Agents;

/// <summary>Reads an answer as JSON for a task with <c>output_json</c>: strips a Markdown code fence, parses, and checks the schema.</summary>
public static class OutputJsonParser
{
    /// <summary>The parsed answer when it matches the schema; otherwise null and the reason.</summary>
    public static (JsonElement? Json, string? Error) Parse(string raw, JsonElement schema)
    {
        ArgumentNullException.ThrowIfNull(raw);
        string text = StripFence(raw.Trim());
        JsonElement node;
        try
        {
            using var document = JsonDocument.Parse(text);
            node = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return (null, $"the answer is not JSON: {ex.Message}");
        }

        JsonSchema jsonSchema;
        try
        {
            jsonSchema = JsonSchema.FromText(schema.GetRawText());
        }
        catch (JsonException ex)
        {
            return (null, $"output_json is not a usable JSON schema: {ex.Message}");
        }

        return Check(jsonSchema, node) is { } errors ? (null, "the answer does not match output_json: " + errors) : (node, null);
    }

    /// <summary>Where a JSON value breaks a schema (the first five places), or null when it matches.</summary>
    internal static string? Check(JsonSchema schema, JsonElement value)
    {
        var result = schema.Evaluate(value, new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid
            ? null
            : string.Join("; ", (result.Details ?? [])
                .Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{(d.InstanceLocation.ToString() is { Length: > 0 } at ? at : "/")}: {e.Value}"))
                .Take(5));
    }

    static string StripFence(string text)
    {
        if (!text.StartsWith("```", StringComparison.Ordinal))
        {
            return text;
        }

        int firstLine = text.IndexOf('\n', StringComparison.Ordinal);
        int closing = text.LastIndexOf("```", StringComparison.Ordinal);
        return firstLine > 0 && closing > firstLine ? text[(firstLine + 1)..closing].Trim() : text;
    }
}
