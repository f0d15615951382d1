namespace DurableCrews.Agents;

/// <summary>Splits text into chunks of at most a given length, at paragraph, line or word breaks where it can.</summary>
public static class TextChunker
{
    /// <summary>The chunks of <paramref name="text"/>, each at most <paramref name="size"/> characters.</summary>
    public static IReadOnlyList<string> Chunk(string text, int size)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var chunks = new List<string>();
        string rest = text.Trim();
        while (rest.Length > size)
        {
            int cut = Break(rest, size, "\n\n");
            if (cut <= 0)
            {
                cut = Break(rest, size, "\n");
            }

            if (cut <= 0)
            {
                cut = Break(rest, size, " ");
            }

            if (cut <= 0)
            {
                cut = size;
            }

            chunks.Add(rest[..cut].Trim());
            rest = rest[cut..].Trim();
        }

        if (rest.Length > 0)
        {
            chunks.Add(rest);
        }

        return chunks.Where(c => c.Length > 0).ToList();
    }

    static int Break(string text, int size, string separator)
    {
        int at = text.LastIndexOf(separator, size, StringComparison.Ordinal);
        return at > size / 3 ? at : -1;
    }
}
