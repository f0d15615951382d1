using System.Diagnostics;
using System.Runtime.InteropServices;

namespace DurableCrews.Tests.Support;

/// <summary>Sends POSIX signals to child processes, as a terminal (Ctrl+C) or a container runtime (SIGTERM) would.</summary>
public static class ChildSignals
{
    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int sig);

    /// <summary>SIGTERM, SIGCONT and SIGSTOP on Linux.</summary>
    public const int SigTerm = 15, SigCont = 18, SigStop = 19;

    /// <summary>Sends the signal numbered <paramref name="signal"/>.</summary>
    public static void Send(Process process, int signal)
    {
        ArgumentNullException.ThrowIfNull(process);
        Assert.Equal(0, kill(process.Id, signal));
    }

    /// <summary>Sends <paramref name="signal"/> and waits up to <paramref name="limit"/> for the process to exit.</summary>
    /// <returns>The exit code (null when it had not exited in time) and how long the exit took.</returns>
    public static async Task<(int? ExitCode, TimeSpan Elapsed)> SendAndWaitAsync(Process process, PosixSignal signal, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(process);
        int number = signal switch
        {
            PosixSignal.SIGINT => 2,
            PosixSignal.SIGTERM => SigTerm,
            _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "SIGINT or SIGTERM"),
        };
        var clock = Stopwatch.StartNew();
        Send(process, number);
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
