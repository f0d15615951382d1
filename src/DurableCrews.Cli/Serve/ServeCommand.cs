using System.CommandLine;
using System.Net;
using DurableCrews.Api;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DurableCrews.Cli.Serve;

/// <summary><c>durablecrews serve</c>: the run API (and the kickoff queue, with a storage connection) over the engine in this process.</summary>
internal static class ServeCommand
{
    public static Command Create(CliContext cli)
    {
        var port = new Option<int>("--port", "-p") { Description = "The port to listen on; 0 picks a free one.", DefaultValueFactory = _ => 7071 };
        var host = new Option<string>("--host") { Description = "The address to listen on; anything but loopback needs DurableCrews__Api__Keys.", DefaultValueFactory = _ => "127.0.0.1" };
        var command = new Command("serve", "Serve the run API under /api (the same endpoints as the Functions app) and, with a storage connection, the crew-kickoffs queue.") { port, host };
        command.SetAction((parse, cancellationToken) => RunAsync(cli, parse.GetValue(host)!, parse.GetValue(port), cancellationToken));
        return command;
    }

    static async Task<int> RunAsync(CliContext cli, string host, int port, CancellationToken cancellationToken)
    {
        if (!IPAddress.TryParse(host, out var address))
        {
            await cli.Stderr.WriteLineAsync($"error: --host '{host}' is not an IP address").ConfigureAwait(false);
            return CliApp.Invalid;
        }

        if (port is < 0 or > 65535)
        {
            await cli.Stderr.WriteLineAsync($"error: --port {port} is not a port (0 to 65535)").ConfigureAwait(false);
            return CliApp.Invalid;
        }

        // A server's log goes to stderr: DurableCrews' own at Information, the frameworks' from Warning.
        using var logging = LoggerFactory.Create(builder => builder
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddFilter("DurableCrews", LogLevel.Information)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("Grpc", LogLevel.Warning)
            .AddFilter("DurableTask", LogLevel.Warning)
            .SetMinimumLevel(LogLevel.Information)
            .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        var engine = await CliEngine.StartAsync(cli, cancellationToken, logging).ConfigureAwait(false);
        if (engine is null)
        {
            return CliApp.Invalid;
        }

        CrewServer server;
        try
        {
            server = await CrewServer.StartAsync(engine, address, port, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            await cli.Stderr.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            await engine.DisposeAsync().ConfigureAwait(false);
            return CliApp.Invalid;
        }

        var listener = await StartQueueListenerAsync(engine, cancellationToken).ConfigureAwait(false);
        await cli.Stdout.WriteLineAsync($"DurableCrews is serving {server.Address}api (OpenAPI: {server.Address}api/openapi.json; dashboard: {server.Address})"
            + (listener is null ? "; no storage connection, so no queue." : $" and the {QueueNames.Kickoffs} queue, as worker '{engine.WorkerId}'.") + " Ctrl+C stops.").ConfigureAwait(false);
        await cli.Stdout.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await StopAsync(cli, engine, server, listener).ConfigureAwait(false);
        return CliApp.Completed;
    }

    /// <summary>
    /// Stops intake first (the queue, then HTTP, letting requests under way answer), lets the activities in flight finish
    /// for up to the drain time, then the engine (worker before sidecar) stops; on Azure Storage what did not finish comes
    /// back to the next process.
    /// </summary>
    static async Task StopAsync(CliContext cli, Engine.CrewEngine engine, CrewServer server, QueueListener? listener)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var drain = TimeSpan.FromSeconds(Math.Clamp(engine.Services.GetRequiredService<IOptions<ServeOptions>>().Value.DrainSeconds, 0, 60));
        await cli.Stderr.WriteLineAsync($"stopping: no new requests or queue messages; {engine.ActivitiesInFlight} activit(ies) in flight get up to {drain.TotalSeconds:0} s").ConfigureAwait(false);
        if (listener is not null)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        await server.DisposeAsync().ConfigureAwait(false);
        bool drained = await engine.DrainAsync(drain).ConfigureAwait(false);
        await engine.DisposeAsync().ConfigureAwait(false);
        var (activities, steps) = engine.WorkDone;
        await cli.Stderr.WriteLineAsync($"worker '{engine.WorkerId ?? "in-memory"}' completed {activities} activities and {steps} orchestration steps").ConfigureAwait(false);
        await cli.Stderr.WriteLineAsync(drained
            ? $"stopped in {clock.Elapsed.TotalSeconds:0.0} s"
            : $"stopped in {clock.Elapsed.TotalSeconds:0.0} s; {(engine.IsDurable ? "unfinished work resumes when serve starts again" : "unfinished runs were in memory and are lost (no storage connection)")}").ConfigureAwait(false);
    }

    /// <summary>Listens to the kickoff queue when there is a storage connection.</summary>
    internal static async Task<QueueListener?> StartQueueListenerAsync(Engine.CrewEngine engine, CancellationToken cancellationToken)
    {
        var queues = engine.Services.GetRequiredService<CrewQueues>();
        if (!queues.IsConfigured)
        {
            return null;
        }

        var logger = engine.Services.GetRequiredService<ILoggerFactory>().CreateLogger<QueueListener>();
        var options = engine.Services.GetRequiredService<IOptions<QueueOptions>>().Value;
        return await QueueListener.StartAsync(queues, engine.Services.GetRequiredService<KickoffMessageHandler>, options, logger, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
