using System.Text.Json;
using System.Text.Json.Nodes;

namespace DurableCrews.Models;

/// <summary>The offline model's answer to a task that asks for JSON: a deterministic sample that fits the task's schema.</summary>
internal static class OfflineJsonAnswer
{
    /// <summary>How many items an offline list has when its schema allows it: a few, so a for_each over it has work to fan out.</summary>
    const int SampleItems = 3;

    public static string For(JsonElement schema, PromptReading prompt)
    {
        int seed = OfflineText.Seed(prompt.Task);
        var value = SampleFor(schema, schema, "result", prompt, ref seed, depth: 0);
        return value?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "{}";
    }

    static JsonNode? SampleFor(JsonElement schema, JsonElement root, string name, PromptReading prompt, ref int seed, int depth)
    {
        if (depth > 6 || schema.ValueKind != JsonValueKind.Object)
        {
            return JsonValue.Create($"offline {name}");
        }

        if (schema.TryGetProperty("$ref", out var reference) && Resolve(root, reference.GetString()) is { } target)
        {
            return SampleFor(target, root, name, prompt, ref seed, depth + 1);
        }

        // A choice of shapes (pydantic's Optional[X] is anyOf X and null): the first that is not null.
        foreach (string choice in (string[])["anyOf", "oneOf", "allOf"])
        {
            if (schema.TryGetProperty(choice, out var options) && options.ValueKind == JsonValueKind.Array
                && options.EnumerateArray().FirstOrDefault(o => !(o.TryGetProperty("type", out var ot) && ot.ValueKind == JsonValueKind.String && ot.GetString() == "null")) is { ValueKind: JsonValueKind.Object } option)
            {
                return SampleFor(option, root, name, prompt, ref seed, depth + 1);
            }
        }

        if (schema.TryGetProperty("enum", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
        {
            return JsonNode.Parse(choices[Math.Abs(seed++) % choices.GetArrayLength()].GetRawText());
        }

        string type = schema.TryGetProperty("type", out var t) ? t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(e => e.GetString()).FirstOrDefault(e => e != "null") ?? "string" : t.GetString() ?? "string"
            : schema.TryGetProperty("properties", out _) ? "object" : schema.TryGetProperty("items", out _) ? "array" : "string";
        switch (type)
        {
            case "object":
                var obj = new JsonObject();
                if (schema.TryGetProperty("properties", out var properties))
                {
                    foreach (var property in properties.EnumerateObject())
                    {
                        obj[property.Name] = SampleFor(property.Value, root, property.Name, prompt, ref seed, depth + 1);
                    }
                }

                return obj;
            case "array":
                var array = new JsonArray();
                var itemSchema = schema.TryGetProperty("items", out var items) ? items : default;
                int least = schema.TryGetProperty("minItems", out var min) && min.TryGetInt32(out int m) ? m : 0;
                int most = schema.TryGetProperty("maxItems", out var max) && max.TryGetInt32(out int x) ? x : int.MaxValue;
                int count = Math.Min(Math.Max(least, SampleItems), most);
                for (int i = 0; i < count; i++)
                {
                    array.Add(SampleFor(itemSchema, root, OfflineText.Singular(name), prompt, ref seed, depth + 1));
                }

                return array;
            case "integer":
                return JsonValue.Create(1 + Math.Abs(seed++ % 9));
            case "number":
                return JsonValue.Create(Math.Round(0.5 + Math.Abs(seed++ % 50) / 10.0, 1));
            case "boolean":
                return JsonValue.Create(seed++ % 2 == 0);
            case "null":
                return null;
            default:
                var points = OfflineText.Requirements(prompt.Task);
                string basis = points.Count > 0 ? points[Math.Abs(seed++) % points.Count] : OfflineText.FirstSentence(prompt.Task);
                return JsonValue.Create($"offline {name.Replace('_', ' ')}: {OfflineText.Trim(basis, 80)}");
        }
    }

    /// <summary>A local <c>$ref</c> (<c>#/$defs/Item</c>, <c>#/definitions/Item</c>) inside the root schema; null for any other.</summary>
    static JsonElement? Resolve(JsonElement root, string? reference)
    {
        if (reference is null || !reference.StartsWith("#/", StringComparison.Ordinal))
        {
            return null;
        }

        var node = root;
        foreach (string part in reference[2..].Split('/'))
        {
            string key = part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(key, out node))
            {
                return null;
            }
        }

        return node;
    }
}
