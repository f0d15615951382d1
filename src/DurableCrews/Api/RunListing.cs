using DurableCrews.Definitions;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Orchestration.Flows;
using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.DurableTask.Client;

namespace DurableCrews.Api;

/// <summary>
/// Lists crew and flow runs from the engine, page by page (tasks and delegations are orchestrations too but are not
/// listed), and on the last page the runs only the run store still knows.
/// </summary>
internal sealed class RunListing(DurableTaskClient client, RunStore runs, TimeProvider time)
{
    /// <summary>Lists crew and flow runs (not their tasks and delegations), newest first within a page.</summary>
    public async Task<RunListPage> ListAsync(RunListQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = new OrchestrationQuery
        {
            CreatedFrom = query.From,
            CreatedTo = query.To,
            Statuses = query.Status is { } wanted ? RuntimeStatusesOf(wanted) : null,
            PageSize = Math.Clamp(query.PageSize, 1, 100),
            ContinuationToken = query.ContinuationToken,
        };
        // Tasks and delegations are orchestrations too but are not listed; read the store's pages until one holds a run.
        var items = new List<RunListItem>();
        string? token = query.ContinuationToken;
        try
        {
            await foreach (var page in client.GetAllInstancesAsync(filter).AsPages(query.ContinuationToken, filter.PageSize).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                token = page.ContinuationToken;
                await AddRunsAsync(page.Values, query, items, cancellationToken).ConfigureAwait(false);
                if (items.Count >= filter.PageSize || string.IsNullOrEmpty(token))
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (query.ContinuationToken is not null && ex is not OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // The engine reads the token it gave out; one it cannot read was not given out by it.
            throw new CrewDefinitionException([new DefinitionProblem("query.continuation_token", "is not a continuation token this API gave out; pass the one from the last page as it is")]);
        }

        if (string.IsNullOrEmpty(token))
        {
            await AddStoredRunsAsync(query, items, cancellationToken).ConfigureAwait(false);
        }

        return new RunListPage(items.OrderByDescending(i => i.CreatedAt).ToList(), string.IsNullOrEmpty(token) ? null : token);
    }

    /// <summary>The most stored runs the last page looks through for runs the engine no longer knows.</summary>
    const int MaxStoredRunsScanned = 1000;

    /// <summary>
    /// On the last page: the runs the run store holds that the engine does not know (an embedded engine forgets its
    /// history when it stops), so that a restart loses no run from the list.
    /// </summary>
    async Task AddStoredRunsAsync(RunListQuery query, List<RunListItem> items, CancellationToken cancellationToken)
    {
        var listed = items.Select(i => i.RunId).ToHashSet(StringComparer.Ordinal);
        int scanned = 0;
        await foreach (string runId in runs.ListRunIdsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (++scanned > MaxStoredRunsScanned)
            {
                break;
            }

            if (listed.Contains(runId) || await client.GetInstanceAsync(runId, cancellationToken).ConfigureAwait(false) is not null
                || await StoredRuns.GetAsync(runs, client, runId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false) is not { } view)
            {
                continue;
            }

            bool inRange = (query.From is null || view.CreatedAt >= query.From) && (query.To is null || view.CreatedAt <= query.To);
            if (inRange && (query.Crew is null || view.Crew == query.Crew) && (query.Status is null || query.Status == view.Status))
            {
                items.Add(new RunListItem(runId, view.Crew, await runs.GetFlowAsync(runId, cancellationToken).ConfigureAwait(false) is null ? "crew" : "flow", view.Status, view.CreatedAt ?? default, view.LastUpdatedAt ?? view.CreatedAt ?? default));
            }
        }
    }

    async Task AddRunsAsync(IEnumerable<OrchestrationMetadata> instances, RunListQuery query, List<RunListItem> items, CancellationToken cancellationToken)
    {
        foreach (var instance in instances)
        {
            if (instance.Name is not (nameof(CrewOrchestrator) or nameof(FlowOrchestrator)) || !DefinitionNames.IsValidRunReference(instance.InstanceId))
            {
                continue;
            }

            string? crew = instance.Name == nameof(FlowOrchestrator)
                ? (await runs.GetFlowAsync(instance.InstanceId, cancellationToken).ConfigureAwait(false))?.Flow.Name
                : (await runs.GetRunAsync(instance.InstanceId, cancellationToken).ConfigureAwait(false))?.Definition.Name;
            if (query.Crew is null || crew == query.Crew)
            {
                // A run that timed out ends its orchestration normally; its result says TimedOut.
                var result = RunViews.StatusOf(instance) == CrewRunStatus.Completed ? await runs.GetResultAsync(instance.InstanceId, cancellationToken).ConfigureAwait(false) : null;
                var status = result?.Status ?? RunViews.StatusOf(instance);
                if (query.Status is null || query.Status == status)
                {
                    items.Add(new RunListItem(instance.InstanceId, crew, instance.Name == nameof(FlowOrchestrator) ? "flow" : "crew", status, instance.CreatedAt, instance.LastUpdatedAt));
                }
            }
        }
    }

    static OrchestrationRuntimeStatus[] RuntimeStatusesOf(CrewRunStatus status) => status switch
    {
        CrewRunStatus.Pending => [OrchestrationRuntimeStatus.Pending],
        CrewRunStatus.Running => [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended],
        CrewRunStatus.Terminated => [OrchestrationRuntimeStatus.Terminated],
        CrewRunStatus.Failed => [OrchestrationRuntimeStatus.Failed],
        _ => [OrchestrationRuntimeStatus.Completed],
    };
}
