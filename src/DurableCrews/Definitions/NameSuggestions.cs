namespace DurableCrews.Definitions;

/// <summary>"Did you mean" for a name that is not known: the closest known name within a small edit distance.</summary>
internal static class NameSuggestions
{
    /// <summary>The known name closest to <paramref name="name"/> (at most two edits, or differing only in case, '-' or '_'); null when none is close.</summary>
    public static string? Closest(string name, IEnumerable<string> known)
    {
        string folded = Fold(name);
        return known
            .Select(k => (Name: k, Distance: Fold(k) == folded ? 0 : Distance(k, name)))
            .Where(k => k.Distance <= Math.Min(2, Math.Max(1, name.Length / 3)) && k.Name != name)
            .OrderBy(k => k.Distance).ThenBy(k => k.Name, StringComparer.Ordinal)
            .Select(k => k.Name)
            .FirstOrDefault();
    }

    /// <summary>" did you mean 'x'?" after a message, or empty when no known name is close.</summary>
    public static string Hint(string name, IEnumerable<string> known) =>
        Closest(name, known) is { } close ? $"; did you mean '{close}'?" : string.Empty;

    static string Fold(string name) => name.Replace('-', '_').ToLowerInvariant();

    /// <summary>The Levenshtein distance between two names.</summary>
    public static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int previous = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (a[i - 1] == b[j - 1] ? 0 : 1));
                previous = current;
            }
        }

        return row[b.Length];
    }
}
