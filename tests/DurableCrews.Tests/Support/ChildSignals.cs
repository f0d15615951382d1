using System.Diagnostics;
using System.Runtime.InteropServices;

namespace DurableCrews.Tests.Support;

/// <summary>Sends POSIX signals to child processes, as a terminal (Ctrl+C) or a container runtime (SIGTERM) would.</summary>
public static class ChildSignals
{
    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int sig);

    /// <summary>Sends <paramref name="signal"/> and waits up to <paramref name="limit"/> for the process to exit.</summary>
    /// <returns>The exit code (null when it had not exited in time) and how long the exit took.</returns>
    public static async Task<(int? ExitCode, TimeSpan Elapsed)> SendAndWaitAsync(Process process, PosixSignal signal, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(process);
        int number = signal switch
        {
            PosixSignal.SIGINT => 2,
            PosixSignal.SIGTERM => 15,
            _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "SIGINT or SIGTERM"),
        };
        var clock = Stopwatch.StartNew();
        Assert.Equal(0, kill(process.Id, number));
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, clock.Elapsed);
        }
        catch (OperationCanceledException)
        {
            return (null, clock.Elapsed);
        }
    }
}
