using DurableCrews.Definitions;
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
        return result is null ? null : RunReportBuilder.Build(result, pricing);
    }
}
