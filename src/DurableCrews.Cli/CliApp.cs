using System.CommandLine;
using System.Globalization;
using DurableCrews.Api;
using DurableCrews.Cli.Engine;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Runs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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
            RunCommand(context),
            ValidateCommand(context),
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

    static Command RunCommand(CliContext cli)
    {
        var path = new Argument<string>("path") { Description = "A crew folder (agents.yaml, tasks.yaml, optional crew.yaml) or one YAML/JSON file." };
        var inputs = InputOption();
        var json = new Option<bool>("--json") { Description = "Print the CrewOutput as JSON on stdout; progress goes to stderr." };
        var runId = new Option<string?>("--run-id") { Description = "The run id to use; a new one by default." };
        var mcp = McpOption();
        var strict = new Option<bool>("--strict") { Description = "Exit 1 when the run completes with warnings (JSON that did not parse, tool calls that all failed, max_iter reached)." };
        var offline = OfflineOption();
        var command = new Command("run", "Run a crew on the Durable Task engine in this process and print its output.") { path, inputs, json, runId, mcp, strict, offline };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var withServers = WithMcpServers(OfflineIf(cli, parse.GetValue(offline)), parse.GetValue(mcp) ?? []);
            return withServers is null
                ? Invalid
                : await RunCrewAsync(withServers, parse.GetValue(path)!, parse.GetValue(inputs) ?? [], parse.GetValue(json), parse.GetValue(runId), parse.GetValue(strict), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The <c>--mcp</c> option: a stdio MCP server for this run, as the settings would define it.</summary>
    internal static Option<string[]> McpOption() => new("--mcp")
    {
        Description = "A stdio MCP server crews may name, as NAME=COMMAND ARG… (split at spaces), like the setting DurableCrews__Tools__Mcp__NAME__Command; repeat for more.",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The context with the <c>--mcp</c> servers added to its settings; null (after saying why) when one is malformed.</summary>
    internal static CliContext? WithMcpServers(CliContext cli, string[] servers)
    {
        if (servers.Length == 0)
        {
            return cli;
        }

        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (string server in servers)
        {
            int equals = server.IndexOf('=', StringComparison.Ordinal);
            string name = equals > 0 ? server[..equals].Trim() : string.Empty;
            string[] words = equals > 0 ? server[(equals + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
            if (!DefinitionNames.IsValid(name) || words.Length == 0)
            {
                cli.Stderr.WriteLine($"error: --mcp '{server}' must be NAME=COMMAND ARG… (NAME {DefinitionNames.Rule()})");
                return null;
            }

            string prefix = $"{Tools.ToolOptions.SectionName}:Mcp:{name}";
            values[$"{prefix}:Command"] = words[0];
            for (int i = 1; i < words.Length; i++)
            {
                values[$"{prefix}:Args:{i - 1}"] = words[i];
            }
        }

        return cli with { Configuration = new ConfigurationBuilder().AddConfiguration(cli.Configuration).AddInMemoryCollection(values).Build() };
    }

    static Command ValidateCommand(CliContext cli)
    {
        var path = new Argument<string>("path") { Description = "A crew folder or file." };
        var inputs = InputOption();
        var mcp = McpOption();
        var offline = OfflineOption();
        var command = new Command("validate", "Check a crew definition (and, with --input, its inputs) without running it.") { path, inputs, mcp, offline };
        command.SetAction(async (parse, _) => WithMcpServers(OfflineIf(cli, parse.GetValue(offline)), parse.GetValue(mcp) ?? []) is { } withServers
            ? await ValidateAsync(withServers, parse.GetValue(path)!, parse.GetValue(inputs) ?? []).ConfigureAwait(false)
            : Invalid);
        return command;
    }

    static Option<bool> OfflineOption() => new("--offline")
    {
        Description = "The offline model stands in for every model the crew names: nothing is sent to a provider, and model settings are not checked.",
    };

    /// <summary>The context with the offline model standing in for every model, when <paramref name="offline"/>.</summary>
    static CliContext OfflineIf(CliContext cli, bool offline) => offline
        ? cli with { Configuration = new ConfigurationBuilder().AddConfiguration(cli.Configuration).AddInMemoryCollection(new Dictionary<string, string?> { [$"{ModelOptions.SectionName}:OfflineStandIn"] = "true" }).Build() }
        : cli;

    static Option<string[]> InputOption() => new("--input", "-i")
    {
        Description = "A kickoff input as key=value, filling {key} in the crew's texts; repeat for more.",
        AllowMultipleArgumentsPerToken = false,
    };

    static async Task<int> ValidateAsync(CliContext cli, string path, string[] inputArgs)
    {
        if (FlowDefinitionLoader.IsFlow(path))
        {
            return await FlowRuns.ValidateAsync(cli, path).ConfigureAwait(false);
        }

        var (crew, inputs) = await LoadAsync(cli, path, inputArgs, requireInputs: inputArgs.Length > 0).ConfigureAwait(false);
        if (crew is null)
        {
            return Invalid;
        }

        var needed = CrewInputs.RequiredInputs(crew);
        if (cli.Configuration.GetValue<bool>($"{ModelOptions.SectionName}:OfflineStandIn"))
        {
            await cli.Stdout.WriteLineAsync("ℹ --offline: the offline model will stand in for every model the crew names; model settings were not checked").ConfigureAwait(false);
        }

        await cli.Stdout.WriteLineAsync(
            $"✔ crew '{crew.Name}' is valid: {crew.Process.ToString().ToLowerInvariant()}, {crew.Agents.Count} agent(s), {crew.Tasks.Count} task(s)" +
            (needed.Count > 0 ? $"; inputs: {string.Join(", ", needed)}" : string.Empty)).ConfigureAwait(false);
        _ = inputs;
        return Completed;
    }

    static async Task<int> RunCrewAsync(CliContext cli, string path, string[] inputArgs, bool json, string? runId, bool strict, CancellationToken cancellationToken)
    {
        if (FlowDefinitionLoader.IsFlow(path))
        {
            return await FlowRuns.RunAsync(cli, path, inputArgs, json, runId, cancellationToken).ConfigureAwait(false);
        }

        var (crew, inputs) = await LoadAsync(cli, path, inputArgs, requireInputs: true).ConfigureAwait(false);
        if (crew is null)
        {
            return Invalid;
        }

        var engine = await StartEngineAsync(cli, cancellationToken).ConfigureAwait(false);
        if (engine is null)
        {
            return Invalid;
        }

        await using var running = engine;
        string id;
        try
        {
            id = await engine.Runs.KickoffAsync(crew, new KickoffRequest { Inputs = inputs, RunId = runId }, cancellationToken).ConfigureAwait(false);
        }
        catch (CrewDefinitionException ex)
        {
            await WriteProblemsAsync(cli, ex.Problems).ConfigureAwait(false);
            return Invalid;
        }
        catch (RunConflictException ex)
        {
            await cli.Stderr.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
            return Invalid;
        }

        await cli.Stderr.WriteLineAsync($"▶ crew '{crew.Name}' run {id}: {crew.Tasks.Count} task(s), {crew.Process.ToString().ToLowerInvariant()}").ConfigureAwait(false);
        return await FollowAsync(cli, engine, id, json, cancellationToken, strict).ConfigureAwait(false);
    }

    /// <summary>Starts the engine, or says why the settings keep it from starting.</summary>
    internal static async Task<CrewEngine?> StartEngineAsync(CliContext cli, CancellationToken cancellationToken, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null)
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

    /// <summary>Shows a run's progress until it ends, prints its output and its warnings, and returns the exit code (with <paramref name="strict"/>, 1 for a run with warnings).</summary>
    internal static async Task<int> FollowAsync(CliContext cli, CrewEngine engine, string id, bool json, CancellationToken cancellationToken, bool strict = false)
    {
        var display = new ProgressDisplay(cli.Stderr);
        RunView view;
        try
        {
            view = await engine.Runs.WaitAsync(id, display.Show, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (cli.Shutdown.IsCancellationRequested)
        {
            // The wait ends as a cancellation, or as the gRPC call's own 'Cancelled' status, depending on where it was.
            return await InterruptAsync(cli, engine, id).ConfigureAwait(false);
        }

        var output = view.Output;

        if (json)
        {
            await cli.Stdout.WriteLineAsync(output is null ? System.Text.Json.JsonSerializer.Serialize(view, CrewJson.Options) : System.Text.Json.JsonSerializer.Serialize(output, CrewJson.Options)).ConfigureAwait(false);
        }
        else if (output is not null && output.Status == CrewRunStatus.Completed)
        {
            await cli.Stdout.WriteLineAsync(output.Raw.TrimEnd()).ConfigureAwait(false);
        }

        var warnings = output?.Warnings ?? [];
        foreach (string warning in warnings)
        {
            await cli.Stderr.WriteLineAsync($"⚠ {warning}").ConfigureAwait(false);
        }

        string tokens = output is null ? string.Empty : $", {output.TokenUsage.TotalTokens} tokens, {output.DurationSeconds:0.###} s";
        bool completed = view.Status == CrewRunStatus.Completed;
        string mark = !completed ? "✘" : warnings.Count > 0 ? "⚠" : "✔";
        string withWarnings = completed && warnings.Count > 0 ? $" with {warnings.Count} warning(s)" : string.Empty;
        await cli.Stderr.WriteLineAsync($"{mark} run {id} {view.Status}{withWarnings}{tokens}").ConfigureAwait(false);
        if (view.Error is { } error)
        {
            await cli.Stderr.WriteLineAsync($"  {error}").ConfigureAwait(false);
        }

        return !completed || (strict && warnings.Count > 0) ? RunFailed : Completed;
    }

    /// <summary>
    /// Ctrl+C (or SIGTERM) while following a run: an embedded engine's run cannot outlive this process, so it is
    /// terminated; with a storage connection it goes on durably, and the user is told how to follow it.
    /// </summary>
    static async Task<int> InterruptAsync(CliContext cli, CrewEngine engine, string id)
    {
        if (engine.IsDurable)
        {
            await cli.Stderr.WriteLineAsync($"⏸ stopped following run {id}; it goes on durably in the task hub and resumes when an engine runs again (durablecrews serve). Follow it with: durablecrews runs show {id}").ConfigureAwait(false);
            return CliShutdown.InterruptedExitCode;
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            // The run lives in this process's memory: it ends with the process, so the engine is told and not waited on long.
            await engine.Runs.TerminateAsync(id, "Interrupted (Ctrl+C or SIGTERM).", TimeSpan.FromSeconds(2), limit.Token).ConfigureAwait(false);
            await cli.Stderr.WriteLineAsync($"✘ run {id} terminated: interrupted").ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await cli.Stderr.WriteLineAsync($"✘ run {id} interrupted; the engine did not confirm its end in time").ConfigureAwait(false);
        }

        return CliShutdown.InterruptedExitCode;
    }

    static async Task<(CrewDefinition? Crew, Dictionary<string, string> Inputs)> LoadAsync(CliContext cli, string path, string[] inputArgs, bool requireInputs)
    {
        var (inputs, problems) = ParseInputs(inputArgs);

        var loaded = CrewDefinitionLoader.Load(path);
        foreach (var warning in loaded.Warnings)
        {
            await cli.Stderr.WriteLineAsync($"warning: {warning}").ConfigureAwait(false);
        }

        problems.AddRange(loaded.Problems);
        if (loaded.Definition is { } crew)
        {
            using var services = RunCommands.Services(cli);
            try
            {
                problems.AddRange(services.GetRequiredService<Outbound.OutboundPolicies>().CheckCrew(crew));
            }
            catch (OptionsValidationException ex)
            {
                await cli.Stderr.WriteLineAsync($"error: the settings are invalid: {string.Join(" ", ex.Failures)}").ConfigureAwait(false);
                return (null, inputs);
            }
            if (requireInputs)
            {
                problems.AddRange(CrewInputs.Interpolate(crew, inputs).Problems);
            }
        }

        if (problems.Count > 0)
        {
            await WriteProblemsAsync(cli, problems).ConfigureAwait(false);
            return (null, inputs);
        }

        return (loaded.Definition, inputs);
    }

    /// <summary>Reads <c>--input key=value</c> arguments.</summary>
    internal static (Dictionary<string, string> Inputs, List<DefinitionProblem> Problems) ParseInputs(string[] inputArgs)
    {
        var problems = new List<DefinitionProblem>();
        var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string arg in inputArgs)
        {
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                problems.Add(new DefinitionProblem("--input", $"'{arg}' must be key=value"));
            }
            else if (!inputs.TryAdd(arg[..equals], arg[(equals + 1)..]))
            {
                problems.Add(new DefinitionProblem($"inputs.{arg[..equals]}", "given more than once"));
            }
        }

        problems.AddRange(CrewInputs.Validate(inputs));
        return (inputs, problems);
    }

    internal static async Task WriteProblemsAsync(CliContext cli, IReadOnlyList<DefinitionProblem> problems)
    {
        await cli.Stderr.WriteLineAsync($"✘ {problems.Count} problem(s); nothing was started:").ConfigureAwait(false);
        foreach (var problem in problems)
        {
            await cli.Stderr.WriteLineAsync($"  {problem}").ConfigureAwait(false);
        }
    }

    internal sealed record CliContext(TextWriter Stdout, TextWriter Stderr, IConfiguration Configuration, Action<IServiceCollection>? ConfigureServices, CancellationToken Shutdown = default);

    /// <summary>
    /// The live view of a run on stderr: a line when a task starts (with its agent), when each of its delegations
    /// starts (nested under it), when its agent runs tools, when it waits for a person, and when it finishes, with the elapsed time and tokens so far.
    /// </summary>
    sealed class ProgressDisplay(TextWriter stderr)
    {
        readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
        readonly HashSet<string> seen = [];

        public void Show(CrewProgress progress)
        {
            foreach (var task in progress.Running)
            {
                if (seen.Add($"task:{task.Name}"))
                {
                    Write($"  … [{task.Index + 1}/{progress.TasksTotal}] {task.Name} — {task.Agent}");
                }

                foreach (var delegation in task.Delegations.Where(d => seen.Add($"delegation:{d.Key}")))
                {
                    Write($"      ↳ {delegation.Coworker} ({delegation.Key})");
                }

                // A tool is shown each time a turn starts it, not on every poll while it runs.
                string toolsKey = $"tools:{task.InstanceId ?? task.Name}:{string.Join(',', task.Tools)}";
                if (task.Tools.Count > 0 && seen.Add(toolsKey))
                {
                    Write($"      ⚙ {string.Join(", ", task.Tools)}");
                }

                // Say so each time the task starts waiting, not on every poll while it waits.
                string waitKey = $"waiting:{task.InstanceId}";
                if (task.WaitingFor is { } waiting && seen.Add(waitKey))
                {
                    Write($"      ⏸ {task.Name} waits for the '{waiting}' event on {task.InstanceId}");
                }
                else if (task.WaitingFor is null)
                {
                    seen.Remove(waitKey);
                }
            }

            foreach (string name in progress.Finished.Where(name => seen.Add($"done:{name}")))
            {
                Write($"  ✔ {name} ({progress.TasksDone}/{progress.TasksTotal} done, {progress.Tokens} tokens so far)");
            }
        }

        void Write(string line) => stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds,6:0.0}s {line}"));
    }
}
