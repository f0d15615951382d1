using DurableCrews.Definitions;
using DurableCrews.Orchestration;
using DurableCrews.Orchestration.RateLimiting;
using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.DurableTask.Client;

namespace DurableCrews.Api;

/// <summary>Acts on a run: raises an event where it is waited for, terminates it with everything under it, deletes it once ended.</summary>
internal sealed class RunControl(DurableTaskClient client, RunStore runs, InFlightModelCalls inFlight, RunViews views)
{
    /// <summary>
    /// Raises the external event <paramref name="name"/> for a run: on the task that waits for it (a <c>human_input</c>
    /// task waits in its own orchestration, <c>{runId}/t{n}</c>); on a flow run with no such task, on the run itself (a
    /// <c>human_feedback</c> step waits there). <paramref name="runId"/> may also name one of the run's instances
    /// (<c>{runId}/t0</c>) to raise the event there.
    /// </summary>
    /// <returns>
    /// Where the event went; NotFound when there is no such run or instance, Conflict (with the run's status) when the run
    /// or the instance has ended, or when no task of a crew run waits for the event yet, so that the event would be lost.
    /// </returns>
    /// <exception cref="CrewDefinitionException">The event name is not a valid name.</exception>
    public async Task<RaisedEvent> RaiseEventAsync(string runId, string name, object? payload, CancellationToken cancellationToken = default)
    {
        if (!DefinitionNames.IsValid(name))
        {
            throw new CrewDefinitionException([new DefinitionProblem("name", $"'{name}' {DefinitionNames.Rule()}")]);
        }

        // An instance of the run ('{runId}/t0', '{runId}.step') answers for the run it belongs to.
        int split = runId.IndexOfAny(['/', '.']);
        string run = split > 0 ? runId[..split] : runId;
        var view = await views.GetAsync(run, cancellationToken).ConfigureAwait(false);
        if (view is null)
        {
            return new RaisedEvent(RunActionResult.NotFound);
        }

        if (view.Status is not (CrewRunStatus.Pending or CrewRunStatus.Running))
        {
            return new RaisedEvent(RunActionResult.Conflict, RunStatus: view.Status);
        }

        string target = run != runId ? runId : view.Progress?.Running.FirstOrDefault(t => t.WaitingFor == name)?.InstanceId ?? runId;

        // A crew run's own orchestration waits for no event (a human_input task waits in its own instance): an event
        // raised there now would be dropped. Refused instead, so that the sender tries again once a task waits.
        if (target == run && await runs.GetRunAsync(run, cancellationToken).ConfigureAwait(false) is not null)
        {
            return new RaisedEvent(RunActionResult.Conflict, RunStatus: view.Status, Reason:
                $"No task of '{run}' waits for '{name}' now, so the event would be lost. A task that waits shows it as waiting_for in the run's progress (GET runs/{run}); send the event then, or to the task's instance ('{run}/t{{n}}').");
        }

        if (target != run)
        {
            var instance = await client.GetInstanceAsync(target, cancellationToken).ConfigureAwait(false);
            if (instance is null)
            {
                return new RaisedEvent(RunActionResult.NotFound);
            }

            if (instance.RuntimeStatus is not (OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended))
            {
                return new RaisedEvent(RunActionResult.Conflict, RunStatus: view.Status);
            }
        }

        await client.RaiseEventAsync(target, name, payload, cancellationToken).ConfigureAwait(false);
        return new RaisedEvent(RunActionResult.Done, target);
    }

    /// <summary>Terminates a running run and everything working under it; its finished task outputs stay.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="reason">Why, recorded as the run's output.</param>
    /// <param name="patience">How long to wait for the run and its children to end; 10 s by default.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task<RunActionResult> TerminateAsync(string runId, string reason, TimeSpan? patience = null, CancellationToken cancellationToken = default)
    {
        var instance = DefinitionNames.IsValidRunReference(runId) ? await client.GetInstanceAsync(runId, cancellationToken).ConfigureAwait(false) : null;
        if (instance is null)
        {
            return RunActionResult.NotFound;
        }

        if (instance.IsCompleted)
        {
            return RunActionResult.Conflict;
        }

        await InstanceTree.TerminateAsync(
            client, runId, InstanceTree.DescendantsOf(runId), reason, patience ?? TimeSpan.FromSeconds(10), () => inFlight.Cancel(runId, InstanceTree.DescendantsOf(runId)), cancellationToken).ConfigureAwait(false);
        return RunActionResult.Done;
    }

    /// <summary>Deletes an ended run: its orchestration history (and its children's) and all its blobs.</summary>
    public async Task<RunActionResult> DeleteAsync(string runId, CancellationToken cancellationToken = default)
    {
        var instance = DefinitionNames.IsValidRunReference(runId) ? await client.GetInstanceAsync(runId, cancellationToken).ConfigureAwait(false) : null;
        if (instance is null)
        {
            return RunActionResult.NotFound;
        }

        if (!instance.IsCompleted)
        {
            return RunActionResult.Conflict;
        }

        foreach (string id in await InstanceTree.FindAsync(client, InstanceTree.DescendantsOf(runId), activeOnly: false, cancellationToken).ConfigureAwait(false))
        {
            await client.PurgeInstanceAsync(id, cancellation: cancellationToken).ConfigureAwait(false);
        }

        await client.PurgeInstanceAsync(runId, cancellation: cancellationToken).ConfigureAwait(false);
        await runs.DeleteRunAsync(runId, cancellationToken).ConfigureAwait(false);
        return RunActionResult.Done;
    }
}
