using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DurableCrews.Cli.Engine;

/// <summary>
/// The lifetime of the hosts inside the CLI (the sidecar, the worker, serve's HTTP server): started and stopped by the
/// command, never by a signal.
/// </summary>
/// <remarks>
/// The default console lifetime registers its own SIGINT and SIGTERM handlers, which cancel the signal and stop its host
/// out of order: the sidecar stops its dispatchers and the worker then reconnects to it forever ("Channel to backend has
/// stopped receiving traffic"), while the command never hears of the signal. On <see cref="Environment.Exit(int)"/> it
/// also blocks until its host is disposed (up to twice the shutdown timeout) and resets the exit code to 0.
/// </remarks>
internal sealed class SignalFreeLifetime : IHostLifetime
{
    /// <summary>Makes the hosts of <paramref name="services"/> ignore signals; the CLI handles them (<see cref="CliShutdown"/>).</summary>
    public static void Use(IServiceCollection services) => services.AddSingleton<IHostLifetime, SignalFreeLifetime>();

    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
