using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DurableCrews.Agents;
using Microsoft.Extensions.AI;

namespace DurableCrews.Models;

/// <summary>
/// How the offline model uses tools: one call to the tool a task asks for, with arguments from the prompt, and once it
/// has answered, the result quoted into the answer. Deterministic: the same prompt gives the same call.
/// </summary>
internal static partial class OfflineToolUse
{
    /// <summary>
    /// When tools are offered and the task asks for what one does, one call to it, once: a tool the task names, a URL
    /// to fetch, a file to read, files to list. Arguments come from the prompt (<c>name: value</c>, a path, a URL, a
    /// quoted text, numbers in order). Null once a tool has answered, or when nothing fits.
    /// </summary>
    public static FunctionCallContent? Call(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        var tools = options?.Tools?.OfType<AIFunctionDeclaration>().Where(t => DelegationTools.KindOf(t.Name) is null).ToList() ?? [];
        if (tools.Count == 0 || ToolResults(messages).Count > 0)
        {
            return null;
        }

        string text = messages.LastOrDefault(m => m.Role == ChatRole.User && m.Text.Contains(PromptSections.Task, StringComparison.Ordinal))?.Text
            ?? messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;
        string task = PromptReading.Of(messages).Task;
        var named = tools.Where(t => Regex.IsMatch(task, $@"(?<![A-Za-z0-9_-]){Regex.Escape(t.Name)}(?![A-Za-z0-9_-])")).OrderBy(t => task.IndexOf(t.Name, StringComparison.Ordinal)).FirstOrDefault();
        string? url = UrlIn().Match(task) is { Success: true } u ? u.Value.TrimEnd('.', ',', ')', ';', ':') : null;
        string? file = FileIn().Match(task) is { Success: true } f ? f.Groups[1].Value : null;
        AIFunctionDeclaration? chosen = named
            ?? (url is not null ? tools.FirstOrDefault(t => t.Name == Definitions.BuiltinTools.WebFetch) : null)
            ?? (file is not null ? tools.FirstOrDefault(t => t.Name == Definitions.BuiltinTools.FileRead) : null)
            ?? (OfflineText.Mentions(task, "list") && OfflineText.Mentions(task, "files") ? tools.FirstOrDefault(t => t.Name == Definitions.BuiltinTools.ListFiles) : null);
        if (chosen is null)
        {
            return null;
        }

        var arguments = ArgumentsFor(chosen.JsonSchema, task, url, file);
        return new FunctionCallContent($"call_{OfflineText.Seed(chosen.Name + text) & 0x7fffffff:x8}_t", chosen.Name, arguments);
    }

    static Dictionary<string, object?> ArgumentsFor(JsonElement schema, string task, string? url, string? file)
    {
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (!schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return arguments;
        }

        var required = schema.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Select(e => e.GetString()).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : [];
        var numbers = new Queue<string>(Number().Matches(task).Select(m => m.Value));
        string? quoted = Quoted().Match(task) is { Success: true } q ? q.Groups[1].Value : null;
        foreach (var property in properties.EnumerateObject())
        {
            string type = property.Value.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() ?? "string" : "string";
            string name = property.Name;
            string? given = Regex.Match(task, $@"(?<![A-Za-z0-9_]){Regex.Escape(name)}\s*[:=]\s*(?:""([^""
]*)""|'([^'
]*)'|`([^`
]*)`|([^\s,;]+))", RegexOptions.IgnoreCase) is { Success: true } m
                ? new[] { m.Groups[1], m.Groups[2], m.Groups[3], m.Groups[4] }.First(g => g.Success).Value.TrimEnd('.')
                : null;
            object? value = type switch
            {
                "integer" => given is not null && long.TryParse(given, NumberStyles.Integer, CultureInfo.InvariantCulture, out long i) ? i : numbers.TryDequeue(out string? n) && long.TryParse(n, NumberStyles.Integer, CultureInfo.InvariantCulture, out long j) ? j : null,
                "number" => given is not null && double.TryParse(given, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : numbers.TryDequeue(out string? n) && double.TryParse(n, NumberStyles.Float, CultureInfo.InvariantCulture, out double e) ? e : null,
                "boolean" => given is not null ? given.Equals("true", StringComparison.OrdinalIgnoreCase) : null,
                "string" => given
                    ?? (OfflineText.Mentions(name, "url") || OfflineText.Mentions(name, "uri") ? url : null)
                    ?? (OfflineText.Mentions(name, "path") || OfflineText.Mentions(name, "file") ? file : null)
                    ?? (required.Contains(name) ? quoted ?? OfflineText.FirstSentence(task) : null),
                _ => null,
            };
            if (value is not null)
            {
                arguments[name] = value;
            }
        }

        return arguments;
    }

    /// <summary>The results of the agent's own tools (not its coworkers' answers), with the calls that asked for them.</summary>
    static List<(FunctionCallContent Call, string Result)> ToolResults(IReadOnlyList<ChatMessage> messages)
    {
        var calls = messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Where(c => DelegationTools.KindOf(c.Name) is null).ToDictionary(c => c.CallId, c => c);
        return messages.Where(m => m.Role == ChatRole.Tool).SelectMany(m => m.Contents).OfType<FunctionResultContent>()
            .Where(r => calls.ContainsKey(r.CallId))
            .Select(r => (calls[r.CallId], r.Result?.ToString() ?? string.Empty))
            .ToList();
    }

    [GeneratedRegex(@"https?://[^\s""'<>`]+")]
    private static partial Regex UrlIn();

    [GeneratedRegex(@"(?<![A-Za-z0-9_/.-])((?:[A-Za-z0-9_-]+/)*[A-Za-z0-9_-][A-Za-z0-9_.-]*\.(?:md|txt|csv|json|ya?ml|html?|xml|log|tsv))(?![A-Za-z0-9_])", RegexOptions.IgnoreCase)]
    private static partial Regex FileIn();

    [GeneratedRegex(@"(?<![A-Za-z0-9_.])-?\d+(?:\.\d+)?(?![A-Za-z0-9_])")]
    private static partial Regex Number();

    [GeneratedRegex(@"[""“]([^""”\n]{1,300})[""”]")]
    private static partial Regex Quoted();

    /// <summary>What the agent's tools answered, quoted into its answer.</summary>
    public static string Quote(IReadOnlyList<ChatMessage> messages)
    {
        var results = ToolResults(messages);
        if (results.Count == 0)
        {
            return string.Empty;
        }

        var md = new StringBuilder("\n### From the tools\n\n");
        foreach (var (call, result) in results)
        {
            string arguments = string.Join(", ", (call.Arguments ?? new Dictionary<string, object?>()).Select(a => $"{a.Key}: {OfflineText.Trim(a.Value?.ToString() ?? "null", 80)}"));
            md.Append(CultureInfo.InvariantCulture, $"{call.Name}({arguments}) answered:\n\n");
            foreach (string line in OfflineText.Trim(result.Trim(), 1500).Split('\n'))
            {
                md.Append("> ").Append(line.TrimEnd()).Append('\n');
            }

            md.Append('\n');
        }

        return md.ToString();
    }
}
