namespace DurableCrews.Definitions;

/// <summary>
/// Named instances of built-in tools, as CrewAI's crew.py configures its tools (<c>FileReadTool(file_path=…)</c>,
/// <c>ScrapeWebsiteTool(website_url=…)</c>): in crew.yaml a tool whose <c>kind</c> is a CrewAI tool class or a built-in
/// tool's name, with that class's arguments. An argument given is pinned: the model is not asked for it. Its value may
/// hold <c>{input}</c> placeholders, filled from the kickoff inputs and checked again once filled.
/// </summary>
public static class BuiltinToolInstances
{
    /// <summary>The longest pinned argument, in characters.</summary>
    public const int MaxArgumentLength = 2048;

    /// <summary>The kinds an instance may have: the built-in tool each runs and its arguments (as written → the built-in tool's argument).</summary>
    static readonly Dictionary<string, (string Builtin, Dictionary<string, string> Arguments)> Kinds = new(StringComparer.Ordinal)
    {
        ["FileReadTool"] = (BuiltinTools.FileRead, new() { ["file_path"] = "path" }),
        ["FileWriterTool"] = (BuiltinTools.FileWrite, new()),
        ["DirectoryReadTool"] = (BuiltinTools.ListFiles, new() { ["directory"] = "folder" }),
        ["ScrapeWebsiteTool"] = (BuiltinTools.WebFetch, new() { ["website_url"] = "url" }),
        ["WebsiteSearchTool"] = (BuiltinTools.WebFetch, new() { ["website"] = "url" }),
        [BuiltinTools.FileRead] = (BuiltinTools.FileRead, new() { ["path"] = "path" }),
        [BuiltinTools.FileWrite] = (BuiltinTools.FileWrite, new()),
        [BuiltinTools.ListFiles] = (BuiltinTools.ListFiles, new() { ["folder"] = "folder" }),
        [BuiltinTools.WebFetch] = (BuiltinTools.WebFetch, new() { ["url"] = "url" }),
    };

    /// <summary>The kinds a named instance may have, CrewAI's tool classes first.</summary>
    public static IEnumerable<string> KindNames => Kinds.Keys;

    /// <summary>The built-in tool a kind runs; null when the kind is not one of a built-in tool.</summary>
    public static string? BuiltinOf(string kind) => Kinds.TryGetValue(kind, out var found) ? found.Builtin : null;

    /// <summary>The arguments a kind takes, as written in crew.yaml.</summary>
    public static IReadOnlyCollection<string> ArgumentsOf(string kind) => Kinds.TryGetValue(kind, out var found) ? found.Arguments.Keys : [];

    /// <summary>The built-in tool's argument that an argument of a kind pins.</summary>
    public static string TargetOf(string kind, string argument) => Kinds[kind].Arguments[argument];

    /// <summary>
    /// Why a pinned value cannot be used; null when it can. A value still holding placeholders is checked only for what
    /// filling cannot change; <see cref="CheckFilled"/> checks it once filled.
    /// </summary>
    public static string? Check(string target, string value, bool filled)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > MaxArgumentLength)
        {
            return $"is {value.Length} characters long; at most {MaxArgumentLength}";
        }

        if (value.Any(char.IsControl))
        {
            return "must not hold control characters";
        }

        if (!filled && ToolDefinitionReader.Placeholders(value).Any())
        {
            return null;
        }

        return target switch
        {
            "path" => OutputFilePath.Normalize(value.TrimStart('/'), out string? error) is null ? error : null,
            "url" => Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? null : $"must be an absolute http(s) URL, not '{value}'",
            _ => null,
        };
    }

    /// <summary>Why a value filled from the kickoff inputs cannot be used; null when it can.</summary>
    public static string? CheckFilled(string target, string value) => Check(target, value, filled: true) is { } error ? $"once filled from the inputs, {error}" : null;

    /// <summary>A pinned folder in the form list_files compares with (<c>./data/</c> → <c>data</c>); empty for all files.</summary>
    public static string Folder(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string folder = value.Trim().Trim('/');
        while (folder.StartsWith("./", StringComparison.Ordinal))
        {
            folder = folder[2..].TrimStart('/');
        }

        return folder == "." ? string.Empty : folder;
    }
}
