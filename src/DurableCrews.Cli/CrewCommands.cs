using System.CommandLine;
using DurableCrews.Api;
using DurableCrews.Definitions;
using DurableCrews.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DurableCrews.Cli;

/// <summary><c>durablecrews run</c> and <c>validate</c>: load a crew (or hand a flow to <see cref="FlowRuns"/>), check it, and run it here.</summary>
internal static class CrewCommands
{
    /// <summary>The <c>run</c> command.</summary>
    public static Command Run(CliContext cli)
    {
        var path = new Argument<string>("path") { Description = "A crew folder (agents.yaml, tasks.yaml, optional crew.yaml) or one YAML/JSON file." };
        var inputs = CliOptions.Input();
        var json = new Option<bool>("--json") { Description = "Print the CrewOutput as JSON on stdout; progress goes to stderr." };
        var runId = new Option<string?>("--run-id") { Description = "The run id to use; a new one by default." };
        var mcp = CliOptions.Mcp();
        var strict = new Option<bool>("--strict") { Description = "Exit 1 when the run completes with warnings (JSON that did not parse, tool calls that all failed, max_iter reached)." };
        var offline = CliOptions.Offline();
        var command = new Command("run", "Run a crew on the Durable Task engine in this process and print its output.") { path, inputs, json, runId, mcp, strict, offline };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var withServers = CliOptions.WithMcpServers(CliOptions.OfflineIf(cli, parse.GetValue(offline)), parse.GetValue(mcp) ?? []);
            return withServers is null
                ? CliApp.Invalid
                : await RunCrewAsync(withServers, parse.GetValue(path)!, parse.GetValue(inputs) ?? [], parse.GetValue(json), parse.GetValue(runId), parse.GetValue(strict), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>The <c>validate</c> command.</summary>
    public static Command Validate(CliContext cli)
    {
        var path = new Argument<string>("path") { Description = "A crew folder or file." };
        var inputs = CliOptions.Input();
        var mcp = CliOptions.Mcp();
        var offline = CliOptions.Offline();
        var command = new Command("validate", "Check a crew definition (and, with --input, its inputs) without running it.") { path, inputs, mcp, offline };
        command.SetAction(async (parse, _) => CliOptions.WithMcpServers(CliOptions.OfflineIf(cli, parse.GetValue(offline)), parse.GetValue(mcp) ?? []) is { } withServers
            ? await ValidateAsync(withServers, parse.GetValue(path)!, parse.GetValue(inputs) ?? []).ConfigureAwait(false)
            : CliApp.Invalid);
        return command;
    }

    static async Task<int> ValidateAsync(CliContext cli, string path, string[] inputArgs)
    {
        if (FlowDefinitionLoader.IsFlow(path))
        {
            return await FlowRuns.ValidateAsync(cli, path).ConfigureAwait(false);
        }

        var (crew, inputs) = await LoadAsync(cli, path, inputArgs, requireInputs: inputArgs.Length > 0).ConfigureAwait(false);
        if (crew is null)
        {
            return CliApp.Invalid;
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
        return CliApp.Completed;
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
            return CliApp.Invalid;
        }

        var engine = await CliEngine.StartAsync(cli, cancellationToken).ConfigureAwait(false);
        if (engine is null)
        {
            return CliApp.Invalid;
        }

        await using var running = engine;
        if (await CliEngine.KickoffAsync(cli, () => engine.Runs.KickoffAsync(crew, new KickoffRequest { Inputs = inputs, RunId = runId }, cancellationToken)).ConfigureAwait(false) is not { } id)
        {
            return CliApp.Invalid;
        }

        await cli.Stderr.WriteLineAsync($"▶ crew '{crew.Name}' run {id}: {crew.Tasks.Count} task(s), {crew.Process.ToString().ToLowerInvariant()}").ConfigureAwait(false);
        return await RunFollower.FollowAsync(cli, engine, id, json, cancellationToken, strict).ConfigureAwait(false);
    }

    static async Task<(CrewDefinition? Crew, Dictionary<string, string> Inputs)> LoadAsync(CliContext cli, string path, string[] inputArgs, bool requireInputs)
    {
        var (inputs, problems) = CliOptions.ParseInputs(inputArgs);

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
            await cli.WriteProblemsAsync(problems).ConfigureAwait(false);
            return (null, inputs);
        }

        return (loaded.Definition, inputs);
    }
}
