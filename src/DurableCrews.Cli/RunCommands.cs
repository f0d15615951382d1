using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using DurableCrews.Configuration;
using DurableCrews.Reports;
using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace DurableCrews.Cli;

/// <summary><c>durablecrews runs list|show</c> and <c>durablecrews report</c>: what the stored runs did, read from the run store.</summary>
internal static class RunCommands
{
    public static Command Runs(CliContext cli)
    {
        var crew = new Option<string?>("--crew") { Description = "Only runs of this crew or flow." };
        var status = new Option<CrewRunStatus?>("--status") { Description = "Only runs that ended so: Completed, Failed, TimedOut or Terminated." };
        var list = new Command("list", "List the stored runs: id, crew, status, when, tokens.") { crew, status };
        list.SetAction((parse, cancellationToken) => ListAsync(cli, parse.GetValue(crew), parse.GetValue(status), cancellationToken));

        var runId = new Argument<string>("run") { Description = "The run id." };
        var json = new Option<bool>("--json") { Description = "Print the run's stored result as JSON." };
        var show = new Command("show", "Show one stored run: its tasks, outputs and usage.") { runId, json };
        show.SetAction((parse, cancellationToken) => ShowAsync(cli, parse.GetValue(runId)!, parse.GetValue(json), cancellationToken));

        return new Command("runs", "List and show stored runs.") { list, show };
    }

    public static Command Report(CliContext cli)
    {
        var runId = new Argument<string>("run") { Description = "The run id." };
        var html = new Option<string?>("--html") { Description = "Also write the report as a self-contained HTML page (with its timeline) to this file." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON instead of Markdown." };
        var command = new Command("report", "Report on an ended run: per-task and per-agent durations, tokens, cost, cache hits, delegations, retries, waits, throughput and a timeline.") { runId, html, json };
        command.SetAction((parse, cancellationToken) => ReportAsync(cli, parse.GetValue(runId)!, parse.GetValue(html), parse.GetValue(json), cancellationToken));
        return command;
    }

    static async Task<int> ListAsync(CliContext cli, string? crew, CrewRunStatus? status, CancellationToken cancellationToken)
    {
        using var services = Services(cli);
        var runs = services.GetRequiredService<RunStore>();
        await cli.Stdout.WriteLineAsync($"{"run",-56} {"crew",-28} {"status",-10} {"finished",-20} {"tokens",8}").ConfigureAwait(false);
        await foreach (string id in runs.ListRunIdsAsync(cancellationToken).ConfigureAwait(false))
        {
            var result = await runs.GetResultAsync(id, cancellationToken).ConfigureAwait(false);
            string name = result?.Crew ?? (await runs.GetRunAsync(id, cancellationToken).ConfigureAwait(false))?.Definition.Name ?? (await runs.GetFlowAsync(id, cancellationToken).ConfigureAwait(false))?.Flow.Name ?? "?";
            string state = result?.Status.ToString() ?? "not ended";
            if ((crew is null || crew == name) && (status is null || result?.Status == status))
            {
                string finished = result?.FinishedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? string.Empty;
                await cli.Stdout.WriteLineAsync($"{id,-56} {name,-28} {state,-10} {finished,-20} {result?.TokenUsage.TotalTokens,8}").ConfigureAwait(false);
            }
        }

        return CliApp.Completed;
    }

    static async Task<int> ShowAsync(CliContext cli, string runId, bool json, CancellationToken cancellationToken)
    {
        using var services = Services(cli);
        if (!Definitions.DefinitionNames.IsValidRunReference(runId) || await services.GetRequiredService<RunStore>().GetResultAsync(runId, cancellationToken).ConfigureAwait(false) is not { } result)
        {
            await cli.Stderr.WriteLineAsync($"error: there is no ended run '{runId}' in the run store").ConfigureAwait(false);
            return CliApp.Invalid;
        }

        await cli.Stdout.WriteLineAsync(json ? JsonSerializer.Serialize(result, CrewJson.Options) : CrewOutputMarkdown.Render(result)).ConfigureAwait(false);
        return CliApp.Completed;
    }

    static async Task<int> ReportAsync(CliContext cli, string runId, string? htmlFile, bool json, CancellationToken cancellationToken)
    {
        using var services = Services(cli);
        if (await services.GetRequiredService<RunReportService>().GetAsync(runId, cancellationToken).ConfigureAwait(false) is not { } report)
        {
            await cli.Stderr.WriteLineAsync($"error: there is no ended run '{runId}' in the run store").ConfigureAwait(false);
            return CliApp.Invalid;
        }

        await cli.Stdout.WriteLineAsync(json ? JsonSerializer.Serialize(report, CrewJson.Options) : RunReportMarkdown.Render(report)).ConfigureAwait(false);
        if (htmlFile is not null)
        {
            await File.WriteAllTextAsync(htmlFile, RunReportHtml.Render(report), cancellationToken).ConfigureAwait(false);
            await cli.Stderr.WriteLineAsync($"wrote {htmlFile}").ConfigureAwait(false);
        }

        return CliApp.Completed;
    }

    /// <summary>The library's services over the CLI's settings, without an engine.</summary>
    internal static ServiceProvider Services(CliContext cli)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDurableCrews(cli.Configuration);
        return services.BuildServiceProvider();
    }
}
