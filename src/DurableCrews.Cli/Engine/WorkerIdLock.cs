namespace DurableCrews.Cli.Engine;

/// <summary>
/// Makes sure no two processes on this machine work a task hub under one worker id, which would make both believe they
/// own the same partition leases. Each process holds an exclusive lock file for its (task hub, worker id) while its
/// engine runs; the operating system drops it when the process ends, however it ends. Without a configured id the
/// machine name is taken when it is free, else <c>{machine}-2</c>, <c>-3</c>…: the first process on a machine keeps the
/// plain name across restarts (and takes its leases back at once), and the others never collide with it. A configured
/// id that another process holds is refused.
/// </summary>
internal sealed class WorkerIdLock : IDisposable
{
    const int MostPerMachine = 64;

    readonly FileStream held;

    WorkerIdLock(string workerId, FileStream held)
    {
        WorkerId = workerId;
        this.held = held;
    }

    /// <summary>The worker id this process holds.</summary>
    public string WorkerId { get; }

    /// <summary>The folder of the lock files (one per task hub and worker id).</summary>
    public static string Folder => Path.Combine(Path.GetTempPath(), "durablecrews-workers");

    /// <summary>Takes <paramref name="configured"/>, or the first free default id, for <paramref name="taskHub"/>.</summary>
    /// <exception cref="WorkerIdTakenException">The configured id is held by another process on this machine.</exception>
    public static WorkerIdLock Acquire(string taskHub, string? configured)
    {
        Directory.CreateDirectory(Folder);
        if (configured is not null)
        {
            return TryTake(taskHub, configured) ?? throw new WorkerIdTakenException(
                $"Another process on this machine works task hub '{taskHub}' as worker '{configured}'; give each process its own DurableCrews__Engine__WorkerId, or leave it unset to have one chosen.");
        }

        string machine = Environment.MachineName;
        for (int n = 1; n <= MostPerMachine; n++)
        {
            if (TryTake(taskHub, n == 1 ? machine : $"{machine}-{n}") is { } taken)
            {
                return taken;
            }
        }

        throw new WorkerIdTakenException($"{MostPerMachine} processes on this machine already work task hub '{taskHub}'.");
    }

    static WorkerIdLock? TryTake(string taskHub, string workerId)
    {
        string path = Path.Combine(Folder, $"{Safe(taskHub)}.{Safe(workerId)}.lock");
        try
        {
            // FileShare.None is an exclusive lock on every platform .NET runs on (flock on Linux and macOS).
            return new WorkerIdLock(workerId, new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    static string Safe(string name) => string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));

    /// <inheritdoc />
    public void Dispose() => held.Dispose();
}
