namespace DurableCrews.Definitions;

/// <summary>The names of the tools every crew has.</summary>
public static class BuiltinTools
{
    /// <summary>Reads a file of the run (or of the crew's read-only <c>files/</c>).</summary>
    public const string FileRead = "file_read";

    /// <summary>Writes a file of the run.</summary>
    public const string FileWrite = "file_write";

    /// <summary>Lists the run's and the crew's files.</summary>
    public const string ListFiles = "list_files";

    /// <summary>Fetches a web page as readable text.</summary>
    public const string WebFetch = "web_fetch";
}
