using System.Text;

namespace DurableCrews.Definitions;

/// <summary>
/// Reads a definition file as text, bounded: at most <see cref="MaxBytes"/> (a device such as <c>/dev/zero</c> or a huge
/// file is refused, not read to the end), UTF-8, no NUL characters. Problems are reported, nothing thrown.
/// </summary>
public static class DefinitionFile
{
    /// <summary>The largest definition file read, in bytes (1 MB, as for an uploaded crew).</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>The file's text; null with a problem when it cannot be a definition.</summary>
    public static string? Read(string path, string source, List<DefinitionProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        // Read in chunks up to one byte past the limit: a small file costs a small buffer, a device or a huge file stops there.
        using var read = new MemoryStream();
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            byte[] chunk = new byte[64 * 1024];
            int count;
            while (read.Length <= MaxBytes && (count = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, MaxBytes + 1 - read.Length))) > 0)
            {
                read.Write(chunk, 0, count);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add(new DefinitionProblem(source, $"cannot be read: {ex.Message}"));
            return null;
        }

        long total = read.Length;
        if (total > MaxBytes)
        {
            problems.Add(new DefinitionProblem(source, $"is larger than {MaxBytes / 1024 / 1024} MB; a definition is far smaller"));
            return null;
        }

        var bytes = read.GetBuffer().AsSpan(0, (int)total);
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            problems.Add(new DefinitionProblem(source, "is not UTF-8 text"));
            return null;
        }

        if (bytes.IndexOf((byte)0) is int nul and >= 0)
        {
            problems.Add(new DefinitionProblem(source, $"is not a text file (a NUL byte at offset {nul})"));
            return null;
        }

        return Encoding.UTF8.GetString(bytes);
    }
}
