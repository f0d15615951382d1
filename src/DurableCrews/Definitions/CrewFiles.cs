using System.Text;

namespace DurableCrews.Definitions;

/// <summary>
/// A crew's read-only files: the <c>files/</c> folder beside agents.yaml, or the <c>files:</c> mapping (path: text) of a
/// crew document, which is how they travel with a crew uploaded over the API. They are part of the definition, so a run
/// reads the files it started with. Text only, bounded in count and size; paths follow the rule of <c>output_file</c>.
/// </summary>
public static class CrewFiles
{
    /// <summary>The folder beside agents.yaml.</summary>
    public const string FolderName = "files";

    /// <summary>The most files a crew may carry.</summary>
    public const int MaxFiles = 100;

    /// <summary>The most bytes (UTF-8) a crew's files may hold together.</summary>
    public const int MaxTotalBytes = 1024 * 1024;

    /// <summary>The folder beside agents.yaml where CrewAI keeps knowledge files; they are read as <c>knowledge/…</c>.</summary>
    public const string KnowledgeFolderName = "knowledge";

    /// <summary>Reads a crew folder's <c>files/</c> and <c>knowledge/</c> (as <c>knowledge/…</c>); empty when there are none.</summary>
    internal static IReadOnlyDictionary<string, string> ReadFolder(string crewFolder, List<DefinitionProblem> problems)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        long total = 0;
        ReadInto(files, crewFolder, FolderName, string.Empty, ref total, problems);
        ReadInto(files, crewFolder, KnowledgeFolderName, $"{KnowledgeFolderName}/", ref total, problems);
        return files;
    }

    static void ReadInto(SortedDictionary<string, string> files, string crewFolder, string folderName, string keyPrefix, ref long total, List<DefinitionProblem> problems)
    {
        string root = Path.Combine(crewFolder, folderName);
        if (!Directory.Exists(root))
        {
            return;
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint | FileAttributes.Hidden, MaxRecursionDepth = 8 };
        foreach (string file in Directory.EnumerateFiles(root, "*", options))
        {
            string relative = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
            string where = $"{folderName}/{relative}";
            if (files.Count >= MaxFiles)
            {
                problems.Add(new DefinitionProblem(folderName, $"holds more than {MaxFiles} files (with the crew's other files)"));
                break;
            }

            if (OutputFilePath.Normalize(relative, out string? error) is null)
            {
                problems.Add(new DefinitionProblem(where, error!));
                continue;
            }

            if (DefinitionFile.Read(file, where, problems) is not { } text)
            {
                continue;
            }

            total += Encoding.UTF8.GetByteCount(text);
            if (total > MaxTotalBytes)
            {
                problems.Add(new DefinitionProblem(folderName, $"holds more than {MaxTotalBytes / 1024 / 1024} MB of text (with the crew's other files); a crew's files are for small references"));
                break;
            }

            files[keyPrefix + relative] = text;
        }
    }

    /// <summary>Reads a crew document's <c>files:</c> mapping.</summary>
    internal static IReadOnlyDictionary<string, string> ReadMapping(YamlFields? mapping)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (mapping is null)
        {
            return files;
        }

        long total = 0;
        foreach (string path in mapping.Keys)
        {
            if (files.Count >= MaxFiles)
            {
                mapping.Problem(string.Empty, $"holds more than {MaxFiles} files");
                break;
            }

            if (OutputFilePath.Normalize(path, out string? error) is not { } normalized)
            {
                mapping.Problem(path, error!);
                continue;
            }

            if (mapping.String(path, allowEmpty: true) is not { } text)
            {
                continue;
            }

            total += Encoding.UTF8.GetByteCount(text);
            if (total > MaxTotalBytes)
            {
                mapping.Problem(string.Empty, $"holds more than {MaxTotalBytes / 1024 / 1024} MB of text");
                break;
            }

            files[normalized] = text;
        }

        return files;
    }
}
