using System.Globalization;
using System.Text.Json;

namespace DurableCrews.Definitions;

/// <summary>
/// Reads <c>knowledge_sources:</c> (crew and agent level) and <c>knowledge_config:</c>. A source is a file of the crew's
/// files (a path; its kind from its extension), or a mapping: <c>{type: string, content: …}</c> or
/// <c>{type: text|markdown|csv|json, file: PATH}</c> (CrewAI's class names and <c>file_paths:</c> are read too), with
/// optional <c>name</c>, <c>chunk_size</c> and <c>chunk_overlap</c>. Files are looked up in the crew's files, and under
/// <c>knowledge/</c> as CrewAI keeps them.
/// </summary>
internal static class KnowledgeSourceReader
{
    /// <summary>The most sources a crew or an agent may have.</summary>
    public const int MaxSources = 32;

    /// <summary>The longest string source, in characters.</summary>
    public const int MaxContentChars = 256 * 1024;

    static readonly Dictionary<string, KnowledgeSourceKind> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["string"] = KnowledgeSourceKind.String,
        ["StringKnowledgeSource"] = KnowledgeSourceKind.String,
        ["text"] = KnowledgeSourceKind.Text,
        ["TextFileKnowledgeSource"] = KnowledgeSourceKind.Text,
        ["markdown"] = KnowledgeSourceKind.Markdown,
        ["csv"] = KnowledgeSourceKind.Csv,
        ["CSVKnowledgeSource"] = KnowledgeSourceKind.Csv,
        ["json"] = KnowledgeSourceKind.Json,
        ["JSONKnowledgeSource"] = KnowledgeSourceKind.Json,
    };

    static readonly HashSet<string> Unsupported = new(StringComparer.OrdinalIgnoreCase)
    {
        "pdf", "PDFKnowledgeSource", "excel", "ExcelKnowledgeSource", "CrewDoclingSource", "docling",
    };

    static readonly HashSet<string> SourceFields = ["type", "content", "file", "file_paths", "name", "chunk_size", "chunk_overlap", "metadata"];

    /// <summary>The sources under <paramref name="holder"/>'s <c>knowledge_sources</c>; problems carry their path.</summary>
    public static IReadOnlyList<KnowledgeSource> Read(YamlFields holder, IReadOnlyDictionary<string, string> files, List<DefinitionProblem> problems)
    {
        const string Key = "knowledge_sources";
        string path = holder.Child(Key);
        if (holder.IsScalar(Key))
        {
            problems.Add(new DefinitionProblem(path, "must be a list of sources: file paths, or mappings like {type: string, content: …}"));
            return [];
        }

        if (holder.Json(Key) is not { } list)
        {
            return [];
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            problems.Add(new DefinitionProblem(path, "must be a list of sources: file paths, or mappings like {type: string, content: …}"));
            return [];
        }

        var sources = new List<KnowledgeSource>();
        int index = 0;
        foreach (var item in list.EnumerateArray())
        {
            string at = $"{path}[{index++}]";
            sources.AddRange(item.ValueKind switch
            {
                JsonValueKind.String => FileSource(item.GetString()!, null, null, files, at, problems) is { } source ? [source] : [],
                JsonValueKind.Object => ReadMapping(item, index, files, at, problems),
                _ => Problem(problems, at, "must be a file path or a mapping with type and content or file"),
            });
        }

        if (sources.Count > MaxSources)
        {
            problems.Add(new DefinitionProblem(path, $"has {sources.Count} sources; at most {MaxSources}"));
        }

        foreach (var duplicate in sources.GroupBy(s => s.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add(new DefinitionProblem(path, $"names '{duplicate.Key}' {duplicate.Count()} times; give each source its own name"));
        }

        return sources;
    }

    /// <summary>Reads <c>knowledge_config</c>; null when absent.</summary>
    public static KnowledgeConfig? ReadConfig(YamlFields holder)
    {
        if (holder.Mapping("knowledge_config") is not { } config)
        {
            return null;
        }

        config.CheckKnown(new HashSet<string> { "results_limit", "score_threshold" }, new HashSet<string>());
        var defaults = new KnowledgeConfig();
        double threshold = defaults.ScoreThreshold;
        if (config.String("score_threshold") is { } text)
        {
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out threshold) || threshold is < -1 or > 1)
            {
                config.Problem("score_threshold", $"must be a number from -1 to 1, not '{text}'");
                threshold = defaults.ScoreThreshold;
            }
        }

        return new KnowledgeConfig { ResultsLimit = config.Int("results_limit", 1, 50) ?? defaults.ResultsLimit, ScoreThreshold = threshold };
    }

    static IEnumerable<KnowledgeSource> ReadMapping(JsonElement item, int index, IReadOnlyDictionary<string, string> files, string at, List<DefinitionProblem> problems)
    {
        foreach (var property in item.EnumerateObject().Where(p => !SourceFields.Contains(p.Name)))
        {
            problems.Add(new DefinitionProblem($"{at}.{property.Name}", $"is not a knowledge source field; the fields are {string.Join(", ", SourceFields.Order(StringComparer.Ordinal))}"));
        }

        string? type = Text(item, "type");
        string? name = Text(item, "name");
        int? chunkSize = Number(item, "chunk_size", 100, 100_000, at, problems);
        int? overlap = Number(item, "chunk_overlap", 0, 50_000, at, problems);
        if (chunkSize is { } size && overlap is { } over && over >= size)
        {
            problems.Add(new DefinitionProblem($"{at}.chunk_overlap", $"must be less than chunk_size ({size})"));
        }

        if (type is not null && Unsupported.Contains(type))
        {
            return Problem(problems, $"{at}.type", $"'{type}' sources are not read by DurableCrews; convert the document to text or markdown and list that file instead");
        }

        KnowledgeSourceKind? kind = null;
        if (type is not null)
        {
            if (!Kinds.TryGetValue(type, out var known))
            {
                return Problem(problems, $"{at}.type", $"must be one of string, text, markdown, csv, json (or CrewAI's StringKnowledgeSource, TextFileKnowledgeSource, CSVKnowledgeSource, JSONKnowledgeSource), not '{type}'");
            }

            kind = known;
        }

        if (kind == KnowledgeSourceKind.String || (kind is null && item.TryGetProperty("content", out _)))
        {
            string? content = Text(item, "content");
            if (string.IsNullOrWhiteSpace(content))
            {
                return Problem(problems, $"{at}.content", "required for a string source, and not empty");
            }

            if (content.Length > MaxContentChars)
            {
                return Problem(problems, $"{at}.content", $"is {content.Length} characters; at most {MaxContentChars} (put longer text in a file)");
            }

            return [With(new KnowledgeSource { Name = name ?? $"string-{index}", Kind = KnowledgeSourceKind.String, Content = content }, chunkSize, overlap)];
        }

        var paths = new List<string>();
        if (Text(item, "file") is { } file)
        {
            paths.Add(file);
        }

        if (item.TryGetProperty("file_paths", out var list))
        {
            paths.AddRange(list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().Select(p => p.ValueKind == JsonValueKind.String ? p.GetString()! : string.Empty) : [Text(item, "file_paths") ?? string.Empty]);
        }

        if (paths.Count == 0)
        {
            return Problem(problems, at, "needs content (a string source) or file (a path in the crew's files)");
        }

        return paths
            .Select((p, i) => FileSource(p, kind, paths.Count == 1 ? name : null, files, paths.Count == 1 ? $"{at}.file" : $"{at}.file_paths[{i}]", problems))
            .OfType<KnowledgeSource>()
            .Select(s => With(s, chunkSize, overlap))
            .ToList();
    }

    static KnowledgeSource? FileSource(string path, KnowledgeSourceKind? kind, string? name, IReadOnlyDictionary<string, string> files, string at, List<DefinitionProblem> problems)
    {
        string? found = new[] { path, $"knowledge/{path}" }.FirstOrDefault(files.ContainsKey);
        if (found is null)
        {
            problems.Add(new DefinitionProblem(at, $"'{path}' is not among the crew's files; put it in the crew's {CrewFiles.FolderName}/ or knowledge/ folder (or its files: mapping)"));
            return null;
        }

        var inferred = kind ?? Path.GetExtension(found).ToLowerInvariant() switch
        {
            ".md" or ".markdown" => KnowledgeSourceKind.Markdown,
            ".csv" => KnowledgeSourceKind.Csv,
            ".json" => KnowledgeSourceKind.Json,
            _ => KnowledgeSourceKind.Text,
        };
        if (inferred == KnowledgeSourceKind.Json)
        {
            try
            {
                using var _ = JsonDocument.Parse(files[found]);
            }
            catch (JsonException ex)
            {
                problems.Add(new DefinitionProblem(at, $"'{found}' is not JSON: {ex.Message}"));
                return null;
            }
        }

        return new KnowledgeSource { Name = name ?? found, Kind = inferred, File = found };
    }

    static KnowledgeSource With(KnowledgeSource source, int? chunkSize, int? overlap) =>
        source with { ChunkSize = chunkSize ?? source.ChunkSize, ChunkOverlap = Math.Min(overlap ?? source.ChunkOverlap, (chunkSize ?? source.ChunkSize) / 2) };

    static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    static int? Number(JsonElement item, string name, int min, int max, string at, List<DefinitionProblem> problems)
    {
        if (!item.TryGetProperty(name, out var value))
        {
            return null;
        }

        if ((value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int number)) || (value.ValueKind == JsonValueKind.String && int.TryParse(value.GetString(), out number)))
        {
            if (number >= min && number <= max)
            {
                return number;
            }
        }

        problems.Add(new DefinitionProblem($"{at}.{name}", $"must be a whole number from {min} to {max}"));
        return null;
    }

    static List<KnowledgeSource> Problem(List<DefinitionProblem> problems, string at, string message)
    {
        problems.Add(new DefinitionProblem(at, message));
        return [];
    }
}
