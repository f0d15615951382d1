using DurableCrews.Api;
using DurableCrews.Definitions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DurableCrews.Cli;

/// <summary><c>durablecrews run</c> and <c>validate</c> for a flow: a file (or folder with <c>flow.yaml</c>) with <c>steps</c>.</summary>
internal static class FlowRuns
{
    public static async Task<int> ValidateAsync(CliContext cli, string path)
    {
        var loaded = Load(cli, path);
        if (!loaded.Succeeded)
        {
            await cli.WriteProblemsAsync(loaded.Problems).ConfigureAwait(false);
            return CliApp.Invalid;
        }

        var flow = loaded.Definition!;
        var needed = FlowRunService.RequiredInputs(flow);
        await cli.Stdout.WriteLineAsync(
            $"✔ flow '{flow.Name}' is valid: {flow.Steps.Count} step(s) ({string.Join(", ", flow.Steps.Select(s => $"{s.Name}: {Describe(s)}"))})" +
            (needed.Count > 0 ? $"; inputs: {string.Join(", ", needed)}" : string.Empty)).ConfigureAwait(false);
        return CliApp.Completed;
    }

    static string Describe(FlowStep step) => step.Kind switch
    {
        FlowStepKind.Agent => "agent",
        FlowStepKind.HumanFeedback => "human feedback",
        _ => step.Crew!.Name,
    };

    public static async Task<int> RunAsync(CliContext cli, string path, string[] inputArgs, bool json, string? runId, CancellationToken cancellationToken)
    {
        var (inputs, problems) = CliOptions.ParseInputs(inputArgs);
        var loaded = Load(cli, path);
        problems.AddRange(loaded.Problems);
        if (loaded.Definition is { } definition && problems.Count == 0)
        {
            problems.AddRange(FlowRunService.Validate(definition, new KickoffRequest { Inputs = inputs, RunId = runId }));
        }

        if (problems.Count > 0)
        {
            await cli.WriteProblemsAsync(problems).ConfigureAwait(false);
            return CliApp.Invalid;
        }

        var engine = await CliEngine.StartAsync(cli, cancellationToken).ConfigureAwait(false);
        if (engine is null)
        {
            return CliApp.Invalid;
        }

        await using var running = engine;
        var flow = loaded.Definition!;
        if (await CliEngine.KickoffAsync(cli, () => engine.Services.GetRequiredService<FlowRunService>().KickoffAsync(flow, new KickoffRequest { Inputs = inputs, RunId = runId }, cancellationToken)).ConfigureAwait(false) is not { } id)
        {
            return CliApp.Invalid;
        }

        await cli.Stderr.WriteLineAsync($"▶ flow '{flow.Name}' run {id}: {flow.Steps.Count} step(s), each a crew run {id}.<step>").ConfigureAwait(false);
        return await RunFollower.FollowAsync(cli, engine, id, json, cancellationToken).ConfigureAwait(false);
    }

    static FlowLoadResult Load(CliContext cli, string path)
    {
        var options = cli.Configuration.GetSection(CrewCatalogOptions.SectionName).Get<CrewCatalogOptions>() ?? new CrewCatalogOptions();
        var catalog = new CrewCatalog(Options.Create(options));
        return FlowDefinitionLoader.Load(path, catalog.Load);
    }
}
