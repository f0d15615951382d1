using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace DurableCrews.Definitions;

/// <summary>
/// Reads a YAML value that holds JSON (a schema, a state): JSON text in a scalar, or the same written as YAML, whose
/// plain scalars become booleans, numbers and nulls as JSON would have them.
/// </summary>
internal static partial class YamlJson
{
    /// <summary>The value as JSON; null, with the problem and the node it is at, when it cannot be one.</summary>
    public static JsonElement? Convert(YamlNode value, out (string Message, YamlNode At) problem)
    {
        if (value is YamlScalarNode { Value: { } text })
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                problem = default;
                return document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                string message = ClassName().IsMatch(text)
                    ? $"'{text}' names a class, as crew.py does with a pydantic model; DurableCrews needs the JSON schema itself: print it in Python with " +
                      $"'import json; print(json.dumps({text}.model_json_schema()))' and put it here (JSON text, or the same as a YAML mapping)"
                    : $"must be a JSON schema (a mapping, or JSON text): {ex.Message}";
                problem = (message, value);
                return null;
            }
        }

        if (FirstNonScalarKey(value) is { } key)
        {
            problem = ("field names must be plain text, not lists or mappings", key);
            return null;
        }

        try
        {
            problem = default;
            return JsonSerializer.SerializeToElement(ToJson(value));
        }
        catch (JsonException ex)
        {
            problem = ($"cannot be read as JSON: {ex.Message}", value);
            return null;
        }
    }

    /// <summary>The first key under <paramref name="node"/> that is not plain text; JSON has no other kind of key.</summary>
    static YamlNode? FirstNonScalarKey(YamlNode node)
    {
        var pending = new Stack<YamlNode>([node]);
        var seen = new HashSet<YamlNode>(ReferenceEqualityComparer.Instance);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }

            if (current is YamlMappingNode mapping)
            {
                foreach (var (k, v) in mapping.Children)
                {
                    if (k is not YamlScalarNode)
                    {
                        return k;
                    }

                    pending.Push(v);
                }
            }
            else if (current is YamlSequenceNode sequence)
            {
                foreach (var item in sequence.Children)
                {
                    pending.Push(item);
                }
            }
        }

        return null;
    }

    static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value ?? string.Empty, ToJson(kv.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => ScalarToJson(scalar),
        _ => null,
    };

    static JsonNode? ScalarToJson(YamlScalarNode scalar)
    {
        string text = scalar.Value ?? string.Empty;
        if (scalar.Style is YamlDotNet.Core.ScalarStyle.Plain)
        {
            if (text is "true" or "false")
            {
                return JsonValue.Create(text == "true");
            }

            if (text is "null" or "~" or "")
            {
                return null;
            }

            if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long whole))
            {
                return JsonValue.Create(whole);
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
            {
                return JsonValue.Create(number);
            }
        }

        return JsonValue.Create(text);
    }

    /// <summary>A Python class name (possibly dotted), as crew.py passes one to <c>output_json</c>.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")]
    private static partial System.Text.RegularExpressions.Regex ClassName();
}
