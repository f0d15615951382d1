using DurableCrews.Cli.Engine;
using Microsoft.Extensions.Options;

namespace DurableCrews.Cli;

/// <summary>Starts the embedded engine for a command.</summary>
internal static class CliEngine
{
    /// <summary>Starts the engine, or says why the settings keep it from starting.</summary>
    public static async Task<CrewEngine?> StartAsync(CliContext cli, CancellationToken cancellationToken, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null)
    {
        try
        {
            return await CrewEngine.StartAsync(cli.Configuration, cli.ConfigureServices, loggerFactory: loggerFactory, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (OptionsValidationException ex)
        {
            await cli.Stderr.WriteLineAsync($"error: the settings are invalid: {string.Join(" ", ex.Failures)}").ConfigureAwait(false);
            return null;
        }
        catch (WorkerIdTakenException ex)
        {
            await cli.Stderr.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return null;
        }
    }
}
