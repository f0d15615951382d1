using System.CommandLine;
using System.Net;

namespace DurableCrews.Cli.Serve;

/// <summary><c>durablecrews serve</c>: the run API (and the kickoff queue, with a storage connection) over the engine in this process.</summary>
internal static class ServeCommand
{
    public static Command Create(CliApp.CliContext cli)
    {
        var port = new Option<int>("--port", "-p") { Description = "The port to listen on; 0 picks a free one.", DefaultValueFactory = _ => 7071 };
        var host = new Option<string>("--host") { Description = "The address to listen on.", DefaultValueFactory = _ => "127.0.0.1" };
        var command = new Command("serve", "Serve the run API under /api (the same endpoints as the Functions app) and, with a storage connection, the crew-kickoffs queue.") { port, host };
        command.SetAction((parse, cancellationToken) => RunAsync(cli, parse.GetValue(host)!, parse.GetValue(port), cancellationToken));
        return command;
    }

    static async Task<int> RunAsync(CliApp.CliContext cli, string host, int port, CancellationToken cancellationToken)
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

        var engine = await CliApp.StartEngineAsync(cli, cancellationToken).ConfigureAwait(false);
        if (engine is null)
        {
            return CliApp.Invalid;
        }

        await using var running = engine;
        await using var server = await CrewServer.StartAsync(engine, address, port, cancellationToken).ConfigureAwait(false);
        await cli.Stdout.WriteLineAsync($"DurableCrews is serving {server.Address}api (OpenAPI: {server.Address}api/openapi.json). Ctrl+C stops.").ConfigureAwait(false);
        await cli.Stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await cli.Stderr.WriteLineAsync("stopping").ConfigureAwait(false);
        }

        return CliApp.Completed;
    }
}
