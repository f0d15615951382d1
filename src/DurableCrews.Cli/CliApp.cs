using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DurableCrews.Cli;

/// <summary>
/// <c>durablecrews</c>: <c>run</c> a crew on the Durable Task engine in this process, or <c>validate</c> one.
/// Exit codes: 0 completed, 1 the run failed or timed out, 2 the definition or arguments are invalid.
/// </summary>
public static class CliApp
{
    /// <summary>The run completed.</summary>
    public const int Completed = 0;

    /// <summary>The run failed, timed out or was terminated.</summary>
    public const int RunFailed = 1;

    /// <summary>The definition, its inputs or the command line are invalid; nothing ran.</summary>
    public const int Invalid = 2;

    /// <summary>The command the .NET tool installs, and the name usage text gives.</summary>
    public const string ToolCommandName = "durablecrews";

    /// <summary>Runs the command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="stdout">Where results go (the final output, or JSON with <c>--json</c>).</param>
    /// <param name="stderr">Where progress and errors go.</param>
    /// <param name="configuration">Settings; by default local.settings.json and the environment.</param>
    /// <param name="configureServices">Replaces services of the engine (tests script the model with it).</param>
    /// <param name="shutdown">Cancelled when the process is asked to stop (SIGINT, SIGTERM): serve drains and stops, run ends its run.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IConfiguration? configuration = null, Action<IServiceCollection>? configureServices = null, CancellationToken shutdown = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var context = new CliContext(stdout, stderr, configuration ?? CliSettings.Load(), configureServices, shutdown);
        // Named for the installed tool's command, whatever the executable is called (DurableCrews.Cli.dll under `dotnet run`).
        var root = new Command(ToolCommandName, "DurableCrews: CrewAI-style crews run as durable orchestrations.")
        {
            new System.CommandLine.Help.HelpOption(),
            new VersionOption(),
            CreateCommands.Create(stdout, stderr),
            CrewCommands.Run(context),
            CrewCommands.Validate(context),
            MemoryCommands.Create(stdout, stderr, context.Configuration),
            KnowledgeCommands.Create(stdout, stderr, context.Configuration),
            Serve.ServeCommand.Create(context),
            RunCommands.Runs(context),
            RunCommands.Report(context),
        };

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await stderr.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
            }

            await stderr.WriteLineAsync("Run 'durablecrews --help' for usage.").ConfigureAwait(false);
            return Invalid;
        }

        // Signals are the caller's to turn into 'shutdown' (Program does), so that each command stops in its own way.
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }, shutdown).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Bad input is reported as problems with exit 2; what reaches here is a failure of this machine or its settings.
            await stderr.WriteLineAsync($"error: {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
            return RunFailed;
        }
    }
}
