using System.Text.RegularExpressions;

namespace DurableCrews.Agents;

/// <summary>
/// Finds the entities a result names — systems, datasets, people, terms — with the sentence that describes each.
/// It reads names off the text (capitalized phrases, acronyms, <c>`code`</c> terms); it does not ask a model.
/// </summary>
public static partial class EntityExtractor
{
    /// <summary>The most entities taken from one text.</summary>
    public const int MaxEntities = 12;

    static readonly HashSet<string> NotNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "The", "This", "That", "These", "Those", "A", "An", "As", "In", "On", "For", "With", "From", "To", "And", "But", "Or",
        "Key", "Summary", "Building", "Offline", "Task", "Final", "Answer", "Context", "Current", "It", "We", "You", "Our",
        "No", "Yes", "If", "When", "Each", "Every", "All", "Use", "Ensure", "Define", "Assign", "Coordinate", "Prepare", "Recommend",
        "Identify", "Reference", "Build", "Addressed", "Note", "Notes", "Next", "Step", "Steps",
    };

    /// <summary>The entities of <paramref name="text"/>: name and a description, first mention first.</summary>
    public static IReadOnlyList<(string Name, string Description)> Extract(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var found = new List<(string, string)>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (string sentence in Sentence().Matches(text.Replace("**", string.Empty, StringComparison.Ordinal)).Select(m => m.Value.Trim()))
        {
            foreach (Match match in Name().Matches(sentence))
            {
                string name = match.Value.Trim('`', ' ');
                var words = name.Split(' ');
                while (words.Length > 0 && NotNames.Contains(words[0]))
                {
                    words = words[1..];
                }

                name = string.Join(' ', words);
                if (name.Length < 2 || (words.Length == 1 && !IsAcronym(name) && !match.Value.StartsWith('`')) || !seen.Add(name))
                {
                    continue;
                }

                found.Add((name, sentence.Length > 240 ? sentence[..239] + "…" : sentence));
                if (found.Count == MaxEntities)
                {
                    return found;
                }
            }
        }

        return found;
    }

    static bool IsAcronym(string word) => word.Length is >= 2 and <= 6 && word.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c));

    [GeneratedRegex(@"`[^`\n]{2,40}`|\b[A-Z][A-Za-z0-9]+(?:\s+[A-Z][A-Za-z0-9]+){0,3}\b")]
    private static partial Regex Name();

    [GeneratedRegex(@"[^.!?\n]+[.!?]?")]
    private static partial Regex Sentence();
}
