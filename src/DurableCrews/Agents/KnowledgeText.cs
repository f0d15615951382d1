using System.Text;
using System.Text.Json;
using DurableCrews.Definitions;

namespace DurableCrews.Agents;

/// <summary>
/// A knowledge source as the text that is embedded: a string or a text or markdown file as it is; each CSV row as
/// "column: value" pairs; a JSON document as "path: value" lines. Then cut into chunks that overlap as the source asks.
/// </summary>
public static class KnowledgeText
{
    /// <summary>The chunks of a source, read from the crew's files.</summary>
    public static IReadOnlyList<string> Chunks(KnowledgeSource source, IReadOnlyDictionary<string, string> files)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(files);
        string raw = source.Content ?? (source.File is { } file && files.TryGetValue(file, out string? text) ? text : string.Empty);
        string content = source.Kind switch
        {
            KnowledgeSourceKind.Csv => Csv(raw),
            KnowledgeSourceKind.Json => Json(raw),
            _ => raw,
        };
        return Overlapping(content, source.ChunkSize, source.ChunkOverlap);
    }

    /// <summary>Chunks of at most <paramref name="size"/> characters, each after the first starting with the last <paramref name="overlap"/> characters of the one before.</summary>
    public static IReadOnlyList<string> Overlapping(string text, int size, int overlap)
    {
        overlap = Math.Clamp(overlap, 0, size / 2);
        var pieces = TextChunker.Chunk(text, Math.Max(1, size - overlap));
        var chunks = new List<string>(pieces.Count);
        for (int i = 0; i < pieces.Count; i++)
        {
            chunks.Add(i == 0 || overlap == 0 ? pieces[i] : $"{Tail(pieces[i - 1], overlap)} {pieces[i]}".TrimStart());
        }

        return chunks;
    }

    /// <summary>The last <paramref name="length"/> characters of a chunk, from the start of a word.</summary>
    static string Tail(string chunk, int length)
    {
        int start = Math.Max(0, chunk.Length - length);
        if (start > 0 && !char.IsWhiteSpace(chunk[start - 1]))
        {
            int space = chunk.IndexOfAny([' ', '\n', '\t'], start);
            start = space < 0 ? chunk.Length : space + 1;
        }

        return chunk[start..];
    }

    /// <summary>Each data row as "column: value; …" on a line of its own (quoted fields, doubled quotes and line breaks in quotes read as RFC 4180 has them).</summary>
    public static string Csv(string text)
    {
        var rows = CsvRows(text).Where(r => r.Any(f => f.Length > 0)).ToList();
        if (rows.Count == 0)
        {
            return string.Empty;
        }

        var header = rows[0];
        var lines = new StringBuilder();
        foreach (var row in rows.Skip(1))
        {
            lines.AppendJoin("; ", row.Select((value, i) => $"{(i < header.Count && header[i].Length > 0 ? header[i] : $"column {i + 1}")}: {value}")).Append('\n');
        }

        return rows.Count == 1 ? string.Join("; ", header) : lines.ToString();
    }

    /// <summary>Every scalar of a JSON document as "path: value", one per line.</summary>
    public static string Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        var lines = new StringBuilder();
        Flatten(document.RootElement, "$", lines);
        return lines.ToString();
    }

    static void Flatten(JsonElement element, string path, StringBuilder lines)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, path == "$" ? property.Name : $"{path}.{property.Name}", lines);
                }

                break;
            case JsonValueKind.Array:
                int index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, $"{(path == "$" ? string.Empty : path)}[{index++}]", lines);
                }

                break;
            default:
                lines.Append(path).Append(": ").Append(element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText()).Append('\n');
                break;
        }
    }

    static IEnumerable<List<string>> CsvRows(string text)
    {
        var row = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString().Trim());
                field.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                row.Add(field.ToString().Trim());
                field.Clear();
                yield return row;
                row = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString().Trim());
            yield return row;
        }
    }
}
