using System.Security.Cryptography;
using System.Text;
using DurableCrews.Runs;

namespace DurableCrews.Storage;

/// <summary>
/// Agent works on their way to storage, kept on this machine's disk until storage has them. A work is written here
/// before its blob and forgotten once the blob is written, so that an answer a model gave while storage was out is not
/// lost when the process goes down before storage returns (the Functions host shuts itself down on some storage errors):
/// the activity delivered again on this machine reads the work from here and answers from it instead of asking again.
/// </summary>
/// <remarks>
/// Best effort by design: a delivery on another machine finds nothing here and asks the model again, as it would
/// without the spool; a disk that cannot be written changes nothing. The folder is readable by this user only.
/// </remarks>
public sealed class WorkSpool
{
    readonly string folder;

    /// <summary>Keeps works under <paramref name="folder"/>.</summary>
    public WorkSpool(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        this.folder = folder;
    }

    /// <summary>
    /// The spool of the storage the options name (one folder per storage account, under the temp folder); null for the
    /// embedded store, whose writes are local already.
    /// </summary>
    public static WorkSpool? For(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? account = !string.IsNullOrWhiteSpace(options.ConnectionString) ? options.ConnectionString : options.BlobServiceUri?.ToString();
        return account is null ? null : new WorkSpool(Path.Combine(Path.GetTempPath(), "durablecrews-spool", Hash(account, 16)));
    }

    /// <summary>Keeps a work's blob content before it is written to storage.</summary>
    public void Keep(string blobName, BinaryData content)
    {
        ArgumentNullException.ThrowIfNull(content);
        string path = PathOf(blobName);
        string temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
            }
            else
            {
                Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            File.WriteAllBytes(temp, content.ToArray());
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
        }
    }

    /// <summary>Forgets a work once storage has it.</summary>
    public void Forget(string blobName) => TryDelete(PathOf(blobName));

    /// <summary>The work kept for <paramref name="blobName"/>, if any (an unreadable one is forgotten).</summary>
    public AgentWorkState? Read(string blobName)
    {
        string path = PathOf(blobName);
        try
        {
            return File.Exists(path) ? CrewJson.FromBinary<AgentWorkState>(BinaryData.FromBytes(File.ReadAllBytes(path))) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            TryDelete(path);
            return null;
        }
    }

    /// <summary>
    /// Whether a kept work is further on than the stored one: more turns, or as many with more calls recorded, or
    /// finished where the stored one is not. A stored work that has caught up (or moved on) wins.
    /// </summary>
    public static bool IsAhead(AgentWorkState kept, AgentWorkState? stored)
    {
        ArgumentNullException.ThrowIfNull(kept);
        if (stored is null)
        {
            return true;
        }

        if (kept.Turns != stored.Turns)
        {
            return kept.Turns > stored.Turns;
        }

        return Calls(kept) > Calls(stored) || (kept.FinishedAt is not null && stored.FinishedAt is null);
    }

    static int Calls(AgentWorkState work) => work.ModelCalls.Count + work.ToolCalls.Count + work.Delegations.Count;

    string PathOf(string blobName) => Path.Combine(folder, $"{Hash(blobName, 32)}.json");

    static string Hash(string text, int length) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..length];

    static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left behind: the next read compares it with storage and forgets it once storage has caught up.
        }
    }
}
