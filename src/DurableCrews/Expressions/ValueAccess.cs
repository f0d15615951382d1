using System.Text.Json;
using System.Text.Json.Nodes;

namespace DurableCrews.Expressions;

/// <summary>Reading into a value: a map's field, a list's item by index, a map's value by key.</summary>
internal static class ValueAccess
{
    public static JsonNode? Field(JsonNode? target, string field, ExpressionNode at) => target switch
    {
        JsonObject map when map.TryGetPropertyValue(field, out var value) => value,
        JsonObject map => throw new ExpressionException($"No field '{field}' here; fields: {string.Join(", ", map.Select(p => p.Key).Take(20))}.", at.Position),
        null => throw new ExpressionException($"Cannot read field '{field}' of null.", at.Position),
        _ => throw new ExpressionException($"Cannot read field '{field}' of a {ValueKinds.Name(target)}.", at.Position),
    };

    public static JsonNode? Index(JsonNode? target, JsonNode? index, IndexNode at)
    {
        if (target is JsonObject)
        {
            return index is JsonValue key && key.GetValueKind() == JsonValueKind.String
                ? Field(target, key.GetValue<string>(), at)
                : throw new ExpressionException($"A map's key is a string, not a {ValueKinds.Name(index)}.", at.Index.Position);
        }

        if (target is not JsonArray list)
        {
            throw new ExpressionException($"Cannot index a {ValueKinds.Name(target)}.", at.Position);
        }

        if (ValueKinds.Of(index) != ValueKind.Int)
        {
            throw new ExpressionException($"A list's index is an int, not a {ValueKinds.Name(index)}.", at.Index.Position);
        }

        long i = ValueKinds.Int(index);
        return i >= 0 && i < list.Count
            ? list[(int)i]
            : throw new ExpressionException($"Index {i} is out of range for a list of {list.Count}.", at.Index.Position);
    }
}
