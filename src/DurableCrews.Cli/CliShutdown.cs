using System.Runtime.InteropServices;

namespace DurableCrews.Cli;

/// <summary>
/// Turns SIGINT (Ctrl+C) and SIGTERM into a cancellation the commands act on (serve drains and stops, run ends its run),
/// instead of the runtime's default. A second signal exits at once.
/// </summary>
internal sealed class CliShutdown : IDisposable
{
    /// <summary>The exit code after an interrupt (128 + SIGINT).</summary>
    public const int InterruptedExitCode = 130;

    readonly CancellationTokenSource requested = new();
    readonly PosixSignalRegistration[] registrations;
    int signals;

    public CliShutdown()
    {
        // A shell starts background jobs with SIGINT ignored, and the runtime keeps what it inherited; a server is
        // asked to stop with SIGINT as much as with SIGTERM, so take SIGINT back before handling it.
        if ((OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && signal(SigInt, SigDfl) is var previous && previous != SigIgn)
        {
            // It was not ignored: leave it as it was.
            _ = signal(SigInt, previous);
        }

        registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    /// <summary>Cancelled when the first signal arrives.</summary>
    public CancellationToken Token => requested.Token;

    const int SigInt = 2;
    static readonly IntPtr SigDfl = IntPtr.Zero;
    static readonly IntPtr SigIgn = new(1);

    [DllImport("libc", EntryPoint = "signal")]
    static extern IntPtr signal(int signum, IntPtr handler);

    void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref signals) == 1)
        {
            // Cancellation runs the commands' stop code; keep it off the signal handler's thread.
            ThreadPool.QueueUserWorkItem(_ =>
            {
                try
                {
                    requested.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The command had already ended.
                }
            });
            return;
        }

        Console.Error.WriteLine("stopping now (second signal)");
        Environment.Exit(InterruptedExitCode);
    }

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }

        requested.Dispose();
    }
}
