using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace DurableCrews.Models;

/// <summary>
/// The text handling the offline model's answers are built from: a task's requirements and first sentence, the gist of
/// an earlier answer, trimming, and a seed that makes every choice depend on the prompt alone.
/// </summary>
internal static partial class OfflineText
{
    /// <summary>The numbered or bulleted requirements of a task, or its first sentences when it has none.</summary>
    internal static IReadOnlyList<string> Requirements(string task)
    {
        // A task that quotes earlier work (a flow step's inputs, context pasted into the description) holds other
        // lists too; its own requirements are the last numbered list that starts at 1.
        var lines = task.Split('\n').Select(line => line.Trim()).ToList();
        int own = lines.FindLastIndex(line => line.StartsWith("1.", StringComparison.Ordinal) || line.StartsWith("1)", StringComparison.Ordinal));
        var listed = lines.Skip(Math.Max(own, 0))
            .Select(line => ListItem().Match(line))
            .TakeWhile(m => own < 0 || m.Success)
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value.Replace("**", string.Empty, StringComparison.Ordinal).Trim().TrimEnd('.'))
            .Where(s => s.Length > 0)
            .ToList();
        if (listed.Count > 0)
        {
            return listed;
        }

        // Folded YAML (description: >) joins a numbered list into one line: "1. a 2. b 3. c".
        var inline = InlineItem().Matches(task.Replace('\n', ' ')).Select(m => m.Groups[1].Value.Trim().TrimEnd('.')).Where(s => s.Length > 0).ToList();
        if (inline.Count > 1)
        {
            return inline;
        }

        return Sentence().Matches(task.Replace('\n', ' '))
            .Select(m => m.Value.Trim().TrimEnd('.'))
            .Where(s => s.Length > 3)
            .Take(4)
            .ToList();
    }

    internal static string FirstSentence(string text)
    {
        string flat = string.Join(' ', text.Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim())).Trim().Trim('"');

        // A description that opens a numbered list ("… for payments Requirements: 1. Define …") ends before the list.
        flat = ListOpening().Replace(flat, string.Empty).TrimEnd(' ', ':');
        var match = Sentence().Match(flat);
        return Trim(match.Success ? match.Value.Trim() : flat, 200);
    }

    /// <summary>
    /// The line that stands for an earlier answer: its first list item or sentence line longer than ten characters,
    /// never the offline marker, a heading, or the "As a …, I worked on" opener; <paramref name="fallback"/> when none.
    /// </summary>
    internal static string GistOf(IEnumerable<string> lines, string fallback) =>
        Trim(lines
            .Where(IsGistLine)
            .Select(l => ListItem().Match(l) is { Success: true } item ? item.Groups[1].Value : l)
            .Select(l => l.Replace("**", string.Empty, StringComparison.Ordinal))
            .FirstOrDefault(l => l.Length > 10) ?? fallback, 160);

    static bool IsGistLine(string line) => !line.StartsWith('>') && !line.StartsWith('#') && !line.StartsWith("As a", StringComparison.Ordinal);

    internal static bool Mentions(string text, string phrase) => text.Contains(phrase, StringComparison.OrdinalIgnoreCase);

    internal static string Trim(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1).TrimEnd(), "…");

    internal static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    internal static string Article(string word) => word.Length > 0 && "AEIOUaeiou".Contains(word[0], StringComparison.Ordinal) ? "an" : "a";

    internal static string Singular(string name) => name.EndsWith('s') && name.Length > 1 ? name[..^1] : name;

    internal static int Seed(string text) => BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0);

    [GeneratedRegex(@"^(?:\d+[.)]|[-*•])\s+(.+)$")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"(?:^|\s)\d+[.)]\s+(.+?)(?=\s+\d+[.)]\s|\s+[A-Z][^.]*:\s|$)")]
    private static partial Regex InlineItem();

    // A '.' inside a word (brief.md, v1.2, e.g.) does not end a sentence.
    [GeneratedRegex(@"(?:[^.!?]|[.!?](?=[^\s.!?]))+[.!?]?")]
    private static partial Regex Sentence();

    [GeneratedRegex(@"(?:\s+[A-Z][A-Za-z ]{0,30}:)?\s+1[.)]\s.*$")]
    private static partial Regex ListOpening();
}
