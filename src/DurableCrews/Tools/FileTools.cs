using System.Text;
using System.Text.Json;
using DurableCrews.Definitions;
using DurableCrews.Storage;

namespace DurableCrews.Tools;

/// <summary>
/// file_read, file_write and list_files over a run's files (<c>crew-runs/{runId}/files/…</c>, where <c>output_file</c>
/// writes too) and the crew's read-only files. A run's file of the same path is read before the crew's. Paths follow
/// the rule of <c>output_file</c>: relative, no '..', no '\'.
/// </summary>
public sealed class FileTools
{
    readonly IBlobStore blobs;
    readonly ToolOptions options;

    /// <summary>Creates the file tools over the blob store.</summary>
    public FileTools(IBlobStore blobs, ToolOptions options)
    {
        this.blobs = blobs;
        this.options = options;
    }

    /// <summary>
    /// The declaration the model sees of a built-in tool or a named instance of one; an argument the instance pins is
    /// left out of the schema and named in the description instead.
    /// </summary>
    public static AgentTool Declare(ToolDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var pinned = definition.Pinned;
        var (description, properties) = definition.Runs switch
        {
            BuiltinTools.FileRead => (pinned.TryGetValue("path", out string? path) ? $"Read the file {path}." : "Read a text file: one of the run's files or one of the crew's files. Give its path as list_files shows it.",
                new[] { ("path", "The file's path, such as notes.md or data/prices.csv.", true) }),
            BuiltinTools.FileWrite => ("Write a text file among the run's files (creating or replacing it).",
                [("path", "The file's path, such as report.md.", true), ("content", "The whole text of the file.", true)]),
            BuiltinTools.ListFiles => (pinned.TryGetValue("folder", out string? folder) ? $"List the files under {folder}." : "List the run's files and the crew's read-only files.",
                [("folder", "Only files under this folder; leave empty for all.", false)]),
            _ => (pinned.TryGetValue("url", out string? url) ? $"Fetch {url} and return its readable text." : "Fetch a web page (https) and return its readable text.",
                [("url", "The page's URL.", true)]),
        };
        var schema = Schema(properties.Where(p => !pinned.ContainsKey(p.Item1)).ToArray());
        return new AgentTool(definition.Name, definition.Description ?? description, schema, definition);
    }

    /// <summary>Runs one of the file tools.</summary>
    public async Task<string> RunAsync(string tool, IReadOnlyDictionary<string, JsonElement> arguments, string runId, CrewDefinition crew, CancellationToken cancellationToken)
    {
        switch (tool)
        {
            case BuiltinTools.FileRead:
            {
                string path = PathArgument(arguments, "path");
                var blob = await blobs.GetAsync(BlobNames.RunsContainer, RunFile(runId, path), cancellationToken).ConfigureAwait(false);
                if (blob is not null)
                {
                    return blob.Content.ToString();
                }

                return crew.Files.TryGetValue(path, out string? text)
                    ? text
                    : throw new ToolFailedException($"there is no file '{path}'. Files: {string.Join(", ", await ListAsync(runId, crew, null, cancellationToken).ConfigureAwait(false))}");
            }

            case BuiltinTools.FileWrite:
            {
                string path = PathArgument(arguments, "path");
                string content = StringArgument(arguments, "content", required: true)!;
                int bytes = Encoding.UTF8.GetByteCount(content);
                if (bytes > options.MaxFileBytes)
                {
                    throw new ToolFailedException($"the content is {bytes} bytes; a file written here holds at most {options.MaxFileBytes}");
                }

                await blobs.PutAsync(BlobNames.RunsContainer, RunFile(runId, path), BinaryData.FromString(content), cancellationToken: cancellationToken).ConfigureAwait(false);
                return $"Wrote {bytes} bytes to {path}.";
            }

            default:
            {
                string? folder = StringArgument(arguments, "folder", required: false);
                folder = string.IsNullOrWhiteSpace(folder) || BuiltinToolInstances.Folder(folder).Length == 0 ? null : BuiltinToolInstances.Folder(folder) + "/";
                var files = await ListAsync(runId, crew, folder, cancellationToken).ConfigureAwait(false);
                return files.Count == 0 ? "There are no files." : string.Join("\n", files);
            }
        }
    }

    async Task<List<string>> ListAsync(string runId, CrewDefinition crew, string? folder, CancellationToken cancellationToken)
    {
        string prefix = RunFile(runId, string.Empty);
        var runFiles = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (string name in blobs.ListAsync(BlobNames.RunsContainer, prefix, cancellationToken).ConfigureAwait(false))
        {
            runFiles.Add(name[prefix.Length..]);
            if (runFiles.Count >= 1000)
            {
                break;
            }
        }

        return runFiles
            .Concat(crew.Files.Keys.Where(f => !runFiles.Contains(f)).Select(f => $"{f} (crew file, read-only)"))
            .Where(f => folder is null || f.StartsWith(folder, StringComparison.Ordinal))
            .ToList();
    }

    static string RunFile(string runId, string path) => $"{runId}/files/{path}";

    static string PathArgument(IReadOnlyDictionary<string, JsonElement> arguments, string name)
    {
        string text = StringArgument(arguments, name, required: true)!;
        return OutputFilePath.Normalize(text.Trim().TrimStart('/'), out string? error) ?? throw new ToolFailedException($"'{name}' {error}");
    }

    internal static string? StringArgument(IReadOnlyDictionary<string, JsonElement> arguments, string name, bool required)
    {
        if (!arguments.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return required ? throw new ToolFailedException($"the argument '{name}' is missing") : null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw new ToolFailedException($"the argument '{name}' must be a string, not a JSON {value.ValueKind.ToString().ToLowerInvariant()}");
    }

    internal static JsonElement Schema(params (string Name, string Description, bool Required)[] properties) =>
        JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["type"] = "object",
            ["properties"] = properties.ToDictionary(p => p.Name, p => (object)new { type = "string", description = p.Description }),
            ["required"] = properties.Where(p => p.Required).Select(p => p.Name).ToArray(),
        });
}
