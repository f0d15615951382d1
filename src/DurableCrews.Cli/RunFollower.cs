using DurableCrews.Api;
using DurableCrews.Cli.Engine;
using DurableCrews.Runs;

namespace DurableCrews.Cli;

/// <summary>Follows a run on the embedded engine to its end: its progress, its output and warnings, and its exit code; Ctrl+C stops following.</summary>
internal static class RunFollower
{
    /// <summary>Shows a run's progress until it ends, prints its output and its warnings, and returns the exit code (with <paramref name="strict"/>, 1 for a run with warnings).</summary>
    public static async Task<int> FollowAsync(CliContext cli, CrewEngine engine, string id, bool json, CancellationToken cancellationToken, bool strict = false)
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

        return !completed || (strict && warnings.Count > 0) ? CliApp.RunFailed : CliApp.Completed;
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
}
