using System.Text.Json;
using System.Text.RegularExpressions;
using DurableCrews.Expressions;

namespace DurableCrews.Definitions;

/// <summary>
/// Checks a crew's task expressions before anything starts: each <c>condition</c> and <c>for_each</c> parses, reads
/// only <c>inputs</c> and tasks that run before it, and a <c>for_each</c> path into a task's JSON names a task that has
/// <c>output_json</c> and, where its schema says, a list.
/// </summary>
internal static class TaskExpressionChecks
{
    /// <summary>The most items of a <c>for_each</c> task that may run at once.</summary>
    public const int MaxParallel = 64;

    /// <summary>The name under which a task's expressions read the kickoff inputs.</summary>
    public const string Inputs = "inputs";

    public static void Check(CrewDefinition crew, List<YamlFields> taskFields, List<DefinitionProblem> problems)
    {
        var names = crew.Tasks.Select(t => t.Name).ToList();
        for (int i = 0; i < crew.Tasks.Count; i++)
        {
            var task = crew.Tasks[i];
            var fields = taskFields[i];
            if (task.Condition is { } condition)
            {
                CheckNames(Parse(condition, "condition", fields), "condition", fields, names, i);
            }

            if (task.ForEach is { } forEach && Parse(forEach, "for_each", fields) is { } expression && CheckNames(expression, "for_each", fields, names, i))
            {
                CheckListSource(expression, fields, crew);
            }

            if (task.ForEach is null && fields.Has("max_parallel"))
            {
                fields.Problem("max_parallel", "only a task with for_each runs items in parallel; add for_each or remove max_parallel");
            }
        }
    }

    static CrewExpression? Parse(string text, string key, YamlFields fields)
    {
        try
        {
            return CrewExpression.Parse(text);
        }
        catch (ExpressionException ex)
        {
            fields.Problem(key, $"{ex.Message.TrimEnd('.')} at {ex.Position}");
            return null;
        }
    }

    /// <summary>Whether every name the expression reads is <c>inputs</c> or a task that runs before task <paramref name="index"/>.</summary>
    static bool CheckNames(CrewExpression? expression, string key, YamlFields fields, List<string> names, int index)
    {
        if (expression is null)
        {
            return false;
        }

        bool valid = true;
        foreach (string root in expression.Roots.Where(r => r != Inputs))
        {
            int task = names.IndexOf(root);
            valid = false;
            if (task < 0)
            {
                var known = names.Take(index).Prepend(Inputs);
                fields.Problem(key, $"unknown name '{root}' at {PositionOf(root, expression.Text)}; names here: {string.Join(", ", known)}");
            }
            else if (task >= index)
            {
                fields.Problem(key, $"'{root}' does not run before '{names[index]}', so its output cannot be read here");
            }
            else
            {
                valid = true;
            }
        }

        return valid;
    }

    /// <summary>Where a top-level name first appears: not after a dot (a field) and not inside a longer name or a string.</summary>
    static int PositionOf(string name, string text) =>
        Regex.Match(text, $@"(?<![\w.'""]){Regex.Escape(name)}(?![\w'""])") is { Success: true } match ? match.Index : 0;

    /// <summary>
    /// A <c>for_each</c> written as a path into a task (<c>explore.datasets</c>) reads that task's JSON: the task must ask
    /// for <c>output_json</c>, and the field, where its schema describes it, must be a list.
    /// </summary>
    static void CheckListSource(CrewExpression expression, YamlFields fields, CrewDefinition crew)
    {
        string[] path = expression.Text.Trim().Split('.');
        if (path.Length < 2 || path.Any(p => !DefinitionNames.IsValid(p)) || crew.Tasks.FirstOrDefault(t => t.Name == path[0]) is not { } source)
        {
            return;
        }

        if (source.OutputJson is not { } schema)
        {
            fields.Problem("for_each", $"'{source.Name}' has no output_json, so it gives no list '{string.Join('.', path[1..])}'; give '{source.Name}' an output_json schema with that list");
            return;
        }

        var node = schema;
        foreach (string field in path.Skip(path[1] == "json" ? 2 : 1))
        {
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            if (!properties.TryGetProperty(field, out node))
            {
                fields.Problem("for_each", $"the output_json of '{source.Name}' has no field '{field}'");
                return;
            }
        }

        if (node.ValueKind == JsonValueKind.Object && node.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() != "array")
        {
            fields.Problem("for_each", $"'{expression.Text.Trim()}' is a {type.GetString()} in the output_json of '{source.Name}', not a list");
        }
    }
}
