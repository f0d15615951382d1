using System.Text.Json;
using System.Text.Json.Nodes;

namespace DurableCrews.Expressions;

/// <summary>Reads JSON values as CEL's types: a number is an int when it is integral as written (<c>3</c>), else a double (<c>3.0</c>).</summary>
internal static class ValueKinds
{
    public static ValueKind Of(JsonNode? node) => node switch
    {
        null => ValueKind.Null,
        JsonObject => ValueKind.Map,
        JsonArray => ValueKind.List,
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => ValueKind.String,
            JsonValueKind.True or JsonValueKind.False => ValueKind.Bool,
            JsonValueKind.Number => TryInt(value, out _) ? ValueKind.Int : ValueKind.Double,
            _ => ValueKind.Null,
        },
        _ => ValueKind.Null,
    };

    public static string Name(JsonNode? node) => Of(node) switch
    {
        ValueKind.Null => "null",
        ValueKind.Bool => "bool",
        ValueKind.Int => "int",
        ValueKind.Double => "double",
        ValueKind.String => "string",
        ValueKind.List => "list",
        _ => "map",
    };

    public static long Int(JsonNode? node) => TryInt((JsonValue)node!, out long value) ? value : throw new InvalidOperationException("Not an int.");

    public static double Double(JsonNode? node)
    {
        var value = (JsonValue)node!;
        if (TryInt(value, out long integral))
        {
            return integral;
        }

        return value.TryGetValue(out double number) ? number : value.TryGetValue(out float single) ? single : value.TryGetValue(out decimal exact) ? (double)exact : ParseElement(value).GetDouble();
    }

    static bool TryInt(JsonValue value, out long result)
    {
        if (value.TryGetValue(out result))
        {
            return true;
        }

        if (value.TryGetValue(out int small))
        {
            result = small;
            return true;
        }

        // A double or decimal is a double even when integral; any other CLR number is read from its JSON text.
        if (value.TryGetValue(out double _) || value.TryGetValue(out float _) || value.TryGetValue(out decimal _))
        {
            return false;
        }

        return ParseElement(value).TryGetInt64(out result);
    }

    static JsonElement ParseElement(JsonValue value) => JsonElement.Parse(value.ToJsonString());
}
