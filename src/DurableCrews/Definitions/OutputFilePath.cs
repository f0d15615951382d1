namespace DurableCrews.Definitions;

/// <summary>
/// The rule for a task's <c>output_file</c>: a relative file path inside the run's <c>files/</c> folder, with '/' between
/// folders. <c>./report.md</c> (common in CrewAI crews) is read as <c>report.md</c>; a path that leaves the folder, is
/// absolute, names a folder, or holds control characters is refused.
/// </summary>
public static class OutputFilePath
{
    /// <summary>The longest output file path, in characters.</summary>
    public const int MaxLength = 255;

    /// <summary>The path in its plain form (<c>./a/./b.md</c> → <c>a/b.md</c>); null with the reason when it is refused.</summary>
    public static string? Normalize(string path, out string? error)
    {
        ArgumentNullException.ThrowIfNull(path);
        error = Check(path);
        if (error is not null)
        {
            return null;
        }

        return string.Join('/', path.Trim().Split('/').Where(segment => segment != "."));
    }

    static string? Check(string path)
    {
        string text = path.Trim();
        if (text.Length == 0)
        {
            return "must name a file, such as report.md";
        }

        if (text.Length > MaxLength)
        {
            return $"is {text.Length} characters long; at most {MaxLength}";
        }

        if (text.Any(char.IsControl))
        {
            return "must not hold control characters";
        }

        if (text.Contains('\\', StringComparison.Ordinal))
        {
            return $"'{text}' uses '\\'; separate folders with '/'";
        }

        if (text.StartsWith('/') || text.Contains(':', StringComparison.Ordinal))
        {
            return $"'{text}' is absolute; give a path relative to the run's files folder, such as report.md";
        }

        if (text.EndsWith('/'))
        {
            return $"'{text}' names a folder; name a file in it, such as {text}report.md";
        }

        string[] segments = text.Split('/');
        if (segments.Any(s => s == ".."))
        {
            return $"'{text}' leaves the run's files folder; '..' is not allowed";
        }

        if (segments.Any(s => s.Length == 0))
        {
            return $"'{text}' has an empty folder name ('//')";
        }

        return segments.All(s => s == ".") ? "must name a file, such as report.md" : null;
    }
}
