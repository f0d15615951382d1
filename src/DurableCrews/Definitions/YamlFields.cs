using System.Globalization;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace DurableCrews.Definitions;

/// <summary>
/// One mapping of a definition (a crew, an agent or a task) with the problems found while reading it.
/// Every read records its problem with the field's path and source line instead of throwing,
/// so that one pass over a definition reports everything that is wrong with it.
/// </summary>
internal sealed class YamlFields
{
    readonly Dictionary<string, (YamlNode Value, string Source)> fields = new(StringComparer.Ordinal);
    readonly List<DefinitionProblem> problems;
    readonly List<DefinitionProblem> warnings;

    public YamlFields(string path, List<DefinitionProblem> problems, List<DefinitionProblem> warnings, string? key = null)
    {
        Path = path;
        Key = key ?? path;
        this.problems = problems;
        this.warnings = warnings;
    }

    public string Path { get; }

    /// <summary>The mapping's own name as written (an agent's or task's name), which may itself hold '.'.</summary>
    public string Key { get; }

    public IEnumerable<string> Keys => fields.Keys;

    /// <summary>Adds (or, from an overlay such as crew.yaml, replaces) the fields of a mapping node.</summary>
    public void Add(YamlMappingNode mapping, string source)
    {
        foreach (var (key, value) in mapping.Children)
        {
            if (key is YamlScalarNode { Value: { } name })
            {
                fields[name] = (value, source);
            }
            else
            {
                problems.Add(new DefinitionProblem(Path, "field names must be plain text", Where(key, source)));
            }
        }
    }

    /// <summary>Takes the fields of another mapping, replacing fields of the same name.</summary>
    public void Merge(YamlFields other)
    {
        foreach (var (key, field) in other.fields)
        {
            fields[key] = field;
        }
    }

    public bool Has(string key) => fields.ContainsKey(key);

    public void CheckKnown(IReadOnlySet<string> known, IReadOnlySet<string> ignored)
    {
        foreach (var (key, (value, source)) in fields)
        {
            if (known.Contains(key))
            {
                continue;
            }

            if (ignored.Contains(key))
            {
                warnings.Add(new DefinitionProblem(Child(key), "is a CrewAI setting that DurableCrews does not use; it is ignored", Where(value, source)));
                continue;
            }

            string? close = known.FirstOrDefault(k => NameSuggestions.Distance(k, key) <= 2);
            string hint = close is null ? $"known fields: {string.Join(", ", known.Order())}" : $"did you mean '{close}'?";
            problems.Add(new DefinitionProblem(Child(key), $"unknown field; {hint}", Where(value, source)));
        }
    }

    public string? String(string key, bool required = false, bool allowEmpty = false)
    {
        if (!fields.TryGetValue(key, out var field) || IsNull(field.Value))
        {
            if (required)
            {
                problems.Add(new DefinitionProblem(Child(key), "required"));
            }

            return null;
        }

        if (field.Value is not YamlScalarNode scalar)
        {
            problems.Add(new DefinitionProblem(Child(key), "must be text", Where(field.Value, field.Source)));
            return null;
        }

        string text = (scalar.Value ?? string.Empty).Trim();
        if (text.Length == 0 && required && !allowEmpty)
        {
            problems.Add(new DefinitionProblem(Child(key), "required; it is empty", Where(field.Value, field.Source)));
            return null;
        }

        return text;
    }

    public bool? Bool(string key)
    {
        if (!TryScalar(key, out string? text, out var field))
        {
            return null;
        }

        switch (text!.ToLowerInvariant())
        {
            case "true" or "yes" or "on":
                return true;
            case "false" or "no" or "off":
                return false;
            default:
                problems.Add(new DefinitionProblem(Child(key), $"must be true or false, not '{text}'", Where(field.Value, field.Source)));
                return null;
        }
    }

    /// <summary>CrewAI's <c>verbose</c>: true/false, or the levels 0, 1 and 2 that older crews (and crew.py) use; any level above 0 is on.</summary>
    public bool? Verbose(string key)
    {
        if (!TryScalar(key, out string? text, out var field))
        {
            return null;
        }

        switch (text!.ToLowerInvariant())
        {
            case "true" or "yes" or "on" or "1" or "2":
                return true;
            case "false" or "no" or "off" or "0":
                return false;
            default:
                problems.Add(new DefinitionProblem(Child(key), $"must be true or false (or CrewAI's levels 0, 1, 2), not '{text}'", Where(field.Value, field.Source)));
                return null;
        }
    }

    public int? Int(string key, int min, int max = int.MaxValue)
    {
        if (!TryScalar(key, out string? text, out var field))
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            string range = max == int.MaxValue ? $"{min} or more" : $"from {min} to {max}";
            problems.Add(new DefinitionProblem(Child(key), $"must be a whole number {range}, not '{text}'", Where(field.Value, field.Source)));
            return null;
        }

        return value;
    }

    public IReadOnlyList<string>? StringList(string key)
    {
        if (!fields.TryGetValue(key, out var field) || IsNull(field.Value))
        {
            return null;
        }

        if (field.Value is not YamlSequenceNode sequence)
        {
            problems.Add(new DefinitionProblem(Child(key), "must be a list of names", Where(field.Value, field.Source)));
            return null;
        }

        var items = new List<string>();
        int index = 0;
        foreach (var item in sequence.Children)
        {
            if (item is YamlScalarNode { Value: { Length: > 0 } text })
            {
                items.Add(text.Trim());
            }
            else
            {
                problems.Add(new DefinitionProblem($"{Child(key)}[{index}]", "must be a name", Where(item, field.Source)));
            }

            index++;
        }

        return items;
    }

    /// <summary>A name or a list of names (CrewAI's <c>or_</c> reads either way); null when absent.</summary>
    public IReadOnlyList<string>? NameOrList(string key) =>
        fields.TryGetValue(key, out var field) && field.Value is YamlScalarNode && !IsNull(field.Value)
            ? String(key) is { Length: > 0 } one ? [one] : []
            : StringList(key);

    /// <summary>A list of mappings, each with its path <c>key[i]</c>; null when absent.</summary>
    public IReadOnlyList<YamlFields>? MappingList(string key)
    {
        if (!fields.TryGetValue(key, out var field) || IsNull(field.Value))
        {
            return null;
        }

        if (field.Value is not YamlSequenceNode sequence)
        {
            problems.Add(new DefinitionProblem(Child(key), "must be a list", Where(field.Value, field.Source)));
            return null;
        }

        var items = new List<YamlFields>();
        foreach (var (item, index) in sequence.Children.Select((n, i) => (n, i)))
        {
            string path = $"{Child(key)}[{index}]";
            if (item is YamlMappingNode mapping)
            {
                var child = new YamlFields(path, problems, warnings);
                child.Add(mapping, field.Source);
                items.Add(child);
            }
            else
            {
                problems.Add(new DefinitionProblem(path, "must be a mapping of fields", Where(item, field.Source)));
            }
        }

        return items;
    }

    public YamlFields? Mapping(string key)
    {
        if (!fields.TryGetValue(key, out var field) || IsNull(field.Value))
        {
            return null;
        }

        if (field.Value is not YamlMappingNode mapping)
        {
            problems.Add(new DefinitionProblem(Child(key), "must be a mapping of fields", Where(field.Value, field.Source)));
            return null;
        }

        var child = new YamlFields(Child(key), problems, warnings, key);
        child.Add(mapping, field.Source);
        return child;
    }

    public bool IsScalar(string key) => fields.TryGetValue(key, out var field) && field.Value is YamlScalarNode && !IsNull(field.Value);

    public JsonElement? Json(string name)
    {
        if (!fields.TryGetValue(name, out var field) || IsNull(field.Value))
        {
            return null;
        }

        if (YamlJson.Convert(field.Value, out var problem) is { } json)
        {
            return json;
        }

        problems.Add(new DefinitionProblem(Child(name), problem.Message, Where(problem.At, field.Source)));
        return null;
    }

    public string Child(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public string? LocationOf(string key) =>
        fields.TryGetValue(key, out var field) ? Where(field.Value, field.Source) : null;

    public void Problem(string key, string message) =>
        problems.Add(new DefinitionProblem(key.Length == 0 ? Path : Child(key), message, key.Length == 0 ? null : LocationOf(key)));

    public static string Where(YamlNode node, string source) => $"{source}:{node.Start.Line}";

    bool TryScalar(string key, out string? text, out (YamlNode Value, string Source) field)
    {
        text = null;
        if (!fields.TryGetValue(key, out field) || IsNull(field.Value))
        {
            return false;
        }

        if (field.Value is not YamlScalarNode scalar)
        {
            problems.Add(new DefinitionProblem(Child(key), "must be a single value", Where(field.Value, field.Source)));
            return false;
        }

        text = (scalar.Value ?? string.Empty).Trim();
        return true;
    }

    static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: not (YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted) } scalar
        && (scalar.Value is null || scalar.Value is "~" or "null" or "Null" or "NULL" || (scalar.Value.Length == 0 && scalar.Style == YamlDotNet.Core.ScalarStyle.Plain));
}
