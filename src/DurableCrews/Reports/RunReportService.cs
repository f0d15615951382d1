using System.Collections.Concurrent;
using DurableCrews.Definitions;
using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.Extensions.Options;

namespace DurableCrews.Reports;

/// <summary>Reports of ended runs, read from their stored results; shared by <c>durablecrews report</c> and <c>GET /api/runs/{runId}/report</c>.</summary>
public sealed class RunReportService
{
    readonly RunStore runs;
    readonly PricingOptions pricing;

    /// <summary>Creates the service.</summary>
    public RunReportService(RunStore runs, IOptions<PricingOptions> pricing)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(pricing);
        this.runs = runs;
        this.pricing = pricing.Value;
    }

    /// <summary>The report of run <paramref name="runId"/>; null when it does not exist or has not ended.</summary>
    public async Task<RunReport?> GetAsync(string runId, CancellationToken cancellationToken = default)
    {
        if (!DefinitionNames.IsValidRunReference(runId))
        {
            return null;
        }

        var result = await runs.GetResultAsync(runId, cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            return null;
        }

        // A CrewAI-style flow's step runs come from its state.json and its crew runs' results, as its trace's do.
        if (await runs.GetFlowAsync(runId, cancellationToken).ConfigureAwait(false) is not { } flow || !flow.Flow.UsesGraph())
        {
            return RunReportBuilder.Build(result, pricing);
        }

        var history = (await runs.GetFlowStateAsync(runId, cancellationToken).ConfigureAwait(false))?.History ?? [];
        var results = new ConcurrentDictionary<string, CrewOutput>(StringComparer.Ordinal);
        var reads = new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(history.SelectMany(h => h.RunIds).Distinct(StringComparer.Ordinal), reads, async (stepRun, token) =>
        {
            if (await runs.GetResultAsync(stepRun, token).ConfigureAwait(false) is { } stepResult)
            {
                results[stepRun] = stepResult;
            }
        }).ConfigureAwait(false);

        var forEach = flow.Flow.Steps.Where(s => s.ForEach is not null).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var steps = Orchestration.Flows.FlowStepRun.Walk(history, results, forEach, result.StartedAt);
        return RunReportBuilder.Build(result, pricing, steps, flow.Flow.Steps.ToDictionary(s => s.Name, s => s.MaxIterations, StringComparer.Ordinal));
    }
}
