using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace DurableCrews.Definitions;

/// <summary>
/// Kickoff inputs and CrewAI's <c>{placeholder}</c> interpolation: in an agent's role, goal and backstory and a
/// task's description, expected output and output file, <c>{name}</c> (a letter or '_' first, then letters,
/// digits, '_' or '-') is replaced by the input of that name. Other braces, such as JSON examples, and doubled braces
/// (<c>{{name}}</c>, an escaped placeholder) are left alone.
/// </summary>
public static partial class CrewInputs
{
    /// <summary>The most inputs one kickoff may carry.</summary>
    public const int MaxInputs = 100;

    /// <summary>The names of every input the crew's texts ask for, in first-use order.</summary>
    public static IReadOnlyList<string> RequiredInputs(CrewDefinition crew)
    {
        ArgumentNullException.ThrowIfNull(crew);
        return Texts(crew)
            .SelectMany(t => Placeholder().Matches(t.Text).Select(m => m.Groups[1].Value).Where(name => !(t.ForEach && IsItemPlaceholder(name))))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Replaces every placeholder with its input. Returns the problems instead when an input is missing
    /// (each missing input named once, with the first place that uses it).
    /// </summary>
    public static CrewLoadResult Interpolate(CrewDefinition crew, IReadOnlyDictionary<string, string> inputs)
    {
        ArgumentNullException.ThrowIfNull(crew);
        ArgumentNullException.ThrowIfNull(inputs);
        var problems = new List<DefinitionProblem>();
        var reported = new HashSet<string>(StringComparer.Ordinal);

        string Fill(string? text, string path, bool forEach = false, IReadOnlySet<string>? arguments = null)
        {
            if (string.IsNullOrEmpty(text))
            {
                return text ?? string.Empty;
            }

            return Placeholder().Replace(text, match =>
            {
                string name = match.Groups[1].Value;

                // An http tool's URL names its own arguments too; the model fills those at each call.
                if (arguments is not null && arguments.Contains(name))
                {
                    return match.Value;
                }

                // A for_each task's item placeholders are filled per item when it runs, not from the kickoff.
                if (forEach && IsItemPlaceholder(name))
                {
                    return match.Value;
                }

                if (inputs.TryGetValue(name, out string? value))
                {
                    return value;
                }

                if (reported.Add(name))
                {
                    problems.Add(new DefinitionProblem($"inputs.{name}", $"required: {path} uses {{{name}}}, and the kickoff gave no input '{name}'{NameSuggestions.Hint(name, inputs.Keys)}"));
                }

                return match.Value;
            });
        }

        // Inputs fill output files too, so the filled path is checked again: an input must not steer it out of the run's folder.
        string? FilledOutputFile(string template, string path)
        {
            string filled = Fill(template, path);
            string? normalized = OutputFilePath.Normalize(filled, out string? error);
            if (error is not null)
            {
                problems.Add(new DefinitionProblem(path, $"once filled from the inputs, {error}"));
            }

            return normalized ?? filled;
        }

        var agents = crew.Agents.Select(a => a with
        {
            Role = Fill(a.Role, $"agents.{a.Name}.role"),
            Goal = Fill(a.Goal, $"agents.{a.Name}.goal"),
            Backstory = Fill(a.Backstory, $"agents.{a.Name}.backstory"),
        }).ToList();
        var tasks = crew.Tasks.Select(t => t with
        {
            Description = Fill(t.Description, $"tasks.{t.Name}.description", t.ForEach is not null),
            ExpectedOutput = Fill(t.ExpectedOutput, $"tasks.{t.Name}.expected_output", t.ForEach is not null),
            OutputFile = t.OutputFile is null ? null : FilledOutputFile(t.OutputFile, $"tasks.{t.Name}.output_file"),
        }).ToList();

        // A tool's pinned arguments and an http tool's URL are filled too, and checked again once filled.
        var tools = crew.Tools.Select(t => t with
        {
            Url = t.Kind == ToolKind.Http && t.Url is not null ? Fill(t.Url, $"tools.{t.Name}.url", arguments: HttpArguments(t)) : t.Url,
            Pinned = t.Pinned.ToDictionary(p => p.Key, p =>
            {
                string filled = Fill(p.Value, $"tools.{t.Name}.{p.Key}");
                if (filled != p.Value && BuiltinToolInstances.CheckFilled(p.Key, filled) is { } error)
                {
                    problems.Add(new DefinitionProblem($"tools.{t.Name}.{p.Key}", error));
                }

                return filled;
            }, StringComparer.Ordinal),
        }).ToList();

        return problems.Count > 0
            ? new CrewLoadResult { Problems = problems }
            : new CrewLoadResult { Definition = crew with { Agents = agents, Tasks = tasks, Tools = tools } };
    }

    /// <summary>Checks the inputs themselves: names, count and sizes.</summary>
    public static IReadOnlyList<DefinitionProblem> Validate(IReadOnlyDictionary<string, string> inputs, int maxValueLength = 256 * 1024)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var problems = new List<DefinitionProblem>();
        if (inputs.Count > MaxInputs)
        {
            problems.Add(new DefinitionProblem("inputs", $"at most {MaxInputs} inputs, not {inputs.Count}"));
        }

        foreach (var (name, value) in inputs)
        {
            if (!InputName().IsMatch(name))
            {
                problems.Add(new DefinitionProblem($"inputs.{name}", "an input name starts with a letter or '_' and holds letters, digits, '_' or '-'"));
            }
            else if (value.Length > maxValueLength)
            {
                problems.Add(new DefinitionProblem($"inputs.{name}", $"at most {maxValueLength} characters, not {value.Length}"));
            }
        }

        return problems;
    }

    /// <summary>
    /// Fills a <c>for_each</c> task's text for one item: <c>{item}</c> (a string as it is, anything else as JSON),
    /// <c>{item.FIELD}</c> (a path into an object item) and <c>{item_index}</c> (from 0). A field the item lacks stays as written.
    /// </summary>
    public static string FillItem(string text, JsonElement item, int index)
    {
        ArgumentNullException.ThrowIfNull(text);
        return ItemPlaceholder().Replace(text, match =>
        {
            if (match.Groups["index"].Success)
            {
                return index.ToString(CultureInfo.InvariantCulture);
            }

            var value = item;
            foreach (var field in match.Groups["path"].Success ? match.Groups["path"].Value.Split('.') : [])
            {
                if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(field, out value))
                {
                    return match.Value;
                }
            }

            return value.ValueKind == JsonValueKind.String ? value.GetString()! : JsonSerializer.Serialize(value, CompactJson);
        });
    }

    /// <summary>An item as one line of JSON, whatever the layout it was stored in; text as written, not escaped for HTML.</summary>
    static readonly JsonSerializerOptions CompactJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    static bool IsItemPlaceholder(string name) => name is "item" or "item_index";

    /// <summary>The argument names of an http tool: the properties of its parameter schema.</summary>
    static HashSet<string> HttpArguments(ToolDefinition tool) =>
        tool.Parameters is { ValueKind: JsonValueKind.Object } schema && schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
            ? properties.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal)
            : [];

    static IEnumerable<(string Path, string Text, bool ForEach)> Texts(CrewDefinition crew)
    {
        foreach (var a in crew.Agents)
        {
            yield return ($"agents.{a.Name}.role", a.Role, false);
            yield return ($"agents.{a.Name}.goal", a.Goal, false);
            yield return ($"agents.{a.Name}.backstory", a.Backstory, false);
        }

        foreach (var t in crew.Tasks)
        {
            yield return ($"tasks.{t.Name}.description", t.Description, t.ForEach is not null);
            yield return ($"tasks.{t.Name}.expected_output", t.ExpectedOutput, t.ForEach is not null);
            if (t.OutputFile is not null)
            {
                yield return ($"tasks.{t.Name}.output_file", t.OutputFile, false);
            }
        }

        foreach (var tool in crew.Tools)
        {
            foreach (var (argument, value) in tool.Pinned)
            {
                yield return ($"tools.{tool.Name}.{argument}", value, false);
            }

            if (tool.Kind == ToolKind.Http && tool.Url is not null)
            {
                var arguments = HttpArguments(tool);
                yield return ($"tools.{tool.Name}.url", Placeholder().Replace(tool.Url, m => arguments.Contains(m.Groups[1].Value) ? string.Empty : m.Value), false);
            }
        }
    }

    [GeneratedRegex(@"(?<!\{)\{(?:item(?:\.(?<path>[A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z_][A-Za-z0-9_\-]*)*))?|(?<index>item_index))\}(?!\})")]
    private static partial Regex ItemPlaceholder();

    [GeneratedRegex(@"(?<!\{)\{([A-Za-z_][A-Za-z0-9_\-]*)\}(?!\})")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_\-]{0,99}$")]
    private static partial Regex InputName();
}
