using DurableCrews.Api;
using DurableCrews.Cli.Engine;
using DurableCrews.Definitions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DurableCrews.Cli;

/// <summary>Starts the embedded engine, and runs on it, for a command; says why when the settings or the run are refused.</summary>
internal static class CliEngine
{
    /// <summary>Starts the engine, or says why the settings keep it from starting.</summary>
    public static async Task<CrewEngine?> StartAsync(CliContext cli, CancellationToken cancellationToken, ILoggerFactory? loggerFactory = null)
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

    /// <summary>Starts a run with <paramref name="kickoff"/>; null (after saying why) when its definition or id is refused.</summary>
    public static async Task<string?> KickoffAsync(CliContext cli, Func<Task<string>> kickoff)
    {
        try
        {
            return await kickoff().ConfigureAwait(false);
        }
        catch (CrewDefinitionException ex)
        {
            await cli.WriteProblemsAsync(ex.Problems).ConfigureAwait(false);
            return null;
        }
        catch (RunConflictException ex)
        {
            await cli.Stderr.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return null;
        }
    }
}
