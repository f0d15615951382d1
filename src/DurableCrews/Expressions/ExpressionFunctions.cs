using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DurableCrews.Expressions;

/// <summary>The built-in functions, checked when parsed and applied when evaluated: <c>size</c>, the conversions <c>int</c>, <c>double</c>, <c>string</c>, and the string tests <c>contains</c>, <c>startsWith</c>, <c>endsWith</c>.</summary>
internal static class ExpressionFunctions
{
    /// <summary>The functions and methods an expression may call, with how many arguments (the receiver not counted).</summary>
    static readonly IReadOnlyDictionary<string, int> Functions = new Dictionary<string, int>
    {
        ["size"] = 1, ["int"] = 1, ["double"] = 1, ["string"] = 1,
    };

    static readonly IReadOnlyDictionary<string, int> Methods = new Dictionary<string, int>
    {
        ["size"] = 0, ["contains"] = 1, ["startsWith"] = 1, ["endsWith"] = 1,
    };

    /// <summary>Checks, while parsing, that a call names a known function (or, with <paramref name="method"/>, method) with its number of arguments.</summary>
    public static void CheckCall(ExpressionToken name, int count, bool method)
    {
        var (known, kind) = method ? (Methods, "method") : (Functions, "function");
        if (!known.TryGetValue(name.Text, out int expected))
        {
            throw new ExpressionException($"Unknown {kind} '{name.Text}'; known: {string.Join(", ", known.Keys)}.", name.Position);
        }

        if (count != expected)
        {
            throw new ExpressionException($"{name.Text}() takes {expected} argument(s), not {count}.", name.Position);
        }
    }

    /// <summary>Applies <paramref name="node"/>'s function to its evaluated receiver (null for a global call) and arguments.</summary>
    public static JsonNode? Apply(CallNode node, JsonNode? receiver, IReadOnlyList<JsonNode?> arguments)
    {
        var subject = node.Target is null ? arguments[0] : receiver;
        switch (node.Function)
        {
            case "size":
                return JsonValue.Create(subject switch
                {
                    JsonArray list => list.Count,
                    JsonObject map => map.Count,
                    JsonValue value when value.GetValueKind() == JsonValueKind.String => (long)value.GetValue<string>().EnumerateRunes().Count(),
                    _ => throw new ExpressionException($"size() takes a string, a list or a map, not a {ValueKinds.Name(subject)}.", node.Position),
                });
            case "int": return ToInt(subject, node);
            case "double": return ToDouble(subject, node);
            case "string": return ToText(subject, node);
        }

        string text = String(receiver, node, node.Function);
        string argument = String(arguments[0], node.Arguments[0], node.Function);
        return JsonValue.Create(node.Function switch
        {
            "contains" => text.Contains(argument, StringComparison.Ordinal),
            "startsWith" => text.StartsWith(argument, StringComparison.Ordinal),
            _ => text.EndsWith(argument, StringComparison.Ordinal),
        });
    }

    static JsonNode? ToInt(JsonNode? value, ExpressionNode at)
    {
        switch (ValueKinds.Of(value))
        {
            case ValueKind.Int:
                return value;
            case ValueKind.Double:
                double number = Math.Truncate(ValueKinds.Double(value));
                return number is >= long.MinValue and < 9.2233720368547758E18
                    ? JsonValue.Create((long)number)
                    : throw new ExpressionException("int() of a number out of range.", at.Position);
            case ValueKind.String when long.TryParse(value!.GetValue<string>(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed):
                return JsonValue.Create(parsed);
            default:
                throw new ExpressionException($"int() cannot convert a {ValueKinds.Name(value)}{(value is JsonValue ? $" ({value.ToJsonString()})" : "")}.", at.Position);
        }
    }

    static JsonNode? ToDouble(JsonNode? value, ExpressionNode at) => ValueKinds.Of(value) switch
    {
        ValueKind.Int or ValueKind.Double => JsonValue.Create(ValueKinds.Double(value)),
        ValueKind.String when double.TryParse(value!.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) && double.IsFinite(parsed) => JsonValue.Create(parsed),
        _ => throw new ExpressionException($"double() cannot convert a {ValueKinds.Name(value)}.", at.Position),
    };

    static JsonNode? ToText(JsonNode? value, ExpressionNode at) => ValueKinds.Of(value) switch
    {
        ValueKind.String => value,
        ValueKind.Int => JsonValue.Create(ValueKinds.Int(value).ToString(CultureInfo.InvariantCulture)),
        ValueKind.Double => JsonValue.Create(ValueKinds.Double(value).ToString("R", CultureInfo.InvariantCulture)),
        ValueKind.Bool => JsonValue.Create(value!.GetValue<bool>() ? "true" : "false"),
        ValueKind.Null => JsonValue.Create("null"),
        _ => throw new ExpressionException($"string() cannot convert a {ValueKinds.Name(value)}.", at.Position),
    };

    static string String(JsonNode? value, ExpressionNode at, string function) =>
        ValueKinds.Of(value) == ValueKind.String
            ? value!.GetValue<string>()
            : throw new ExpressionException($"{function}() takes strings, not a {ValueKinds.Name(value)}.", at.Position);
}
