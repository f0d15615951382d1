using System.Text.Json;
using System.Text.RegularExpressions;
using DurableCrews.Agents;
using Microsoft.Extensions.AI;

namespace DurableCrews.Models;

/// <summary>The parts of a task prompt that shape an offline answer.</summary>
internal sealed partial record PromptReading(string Role, string Goal, string Task, string ExpectedOutput, JsonElement? JsonSchema, IReadOnlyList<(string Task, string Author, string Gist)> ContextEntries)
{
    /// <summary>Reads the system messages and the user message that holds the task (the last user message when none does).</summary>
    public static PromptReading Of(IReadOnlyList<ChatMessage> messages)
    {
        string system = string.Join("\n", messages.Where(m => m.Role == ChatRole.System).Select(m => m.Text));
        string user = messages.LastOrDefault(m => m.Role == ChatRole.User && m.Text.Contains(PromptSections.Task, StringComparison.Ordinal))?.Text
            ?? messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text
            ?? string.Empty;
        return Read(system, user);
    }

    public static PromptReading Read(string system, string user)
    {
        string role = LineAfter(system, PromptSections.Role)?.Split(". ")[0].TrimEnd('.') ?? "agent";
        string goal = LineAfter(system, PromptSections.Goal) ?? string.Empty;
        string task = Between(user, PromptSections.Task, [PromptSections.ExpectedOutput, PromptSections.Context, PromptSections.Begin, PlanningPrompt.PlanIntro]) ?? user;
        string expected = Between(user, PromptSections.ExpectedOutput, [PromptSections.CompleteAnswer, PromptSections.JsonSchema, PromptSections.Context, PromptSections.Begin]) ?? string.Empty;
        JsonElement? schema = null;
        if (Between(user, PromptSections.JsonSchema, [PromptSections.Context, PromptSections.Knowledge, PromptSections.Memory, PromptSections.Begin]) is { } schemaText)
        {
            try
            {
                using var document = JsonDocument.Parse(schemaText);
                schema = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                schema = null;
            }
        }

        var entries = new List<(string, string, string)>();
        if (Between(user, PromptSections.Context, [PromptSections.Knowledge, PromptSections.Memory, PromptSections.Begin]) is { } context)
        {
            // An entry starts at its "### task (Agent)" line; the answers' own "### " headings do not match it.
            var blocks = new List<(Match Header, List<string> Lines)>();
            foreach (string line in context.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var header = line.StartsWith(PromptSections.ContextEntry, StringComparison.Ordinal) ? ContextHeader().Match(line[PromptSections.ContextEntry.Length..]) : Match.Empty;
                if (header.Success)
                {
                    blocks.Add((header, []));
                }
                else if (blocks.Count > 0)
                {
                    blocks[^1].Lines.Add(line);
                }
            }

            foreach (var (header, lines) in blocks)
            {
                entries.Add((header.Groups[1].Value, header.Groups[2].Value, OfflineText.GistOf(lines, "its findings")));
            }
        }

        return new PromptReading(role, goal, task, expected, schema, entries);
    }

    static string? LineAfter(string text, string marker)
    {
        int at = text.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        string rest = text[(at + marker.Length)..];
        int end = rest.IndexOf('\n', StringComparison.Ordinal);
        return (end < 0 ? rest : rest[..end]).Trim();
    }

    static string? Between(string text, string start, string[] ends)
    {
        int at = text.IndexOf(start, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        at += start.Length;
        int end = ends.Select(e => text.IndexOf(e, at, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(text.Length).Min();
        return text[at..end].Trim();
    }

    [GeneratedRegex(@"^([A-Za-z0-9_\-]+) \((.+)\)$")]
    private static partial Regex ContextHeader();
}
