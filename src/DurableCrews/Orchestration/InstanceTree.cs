using Microsoft.DurableTask.Client;

namespace DurableCrews.Orchestration;

/// <summary>
/// A run's orchestrations: the run itself and every instance working under it, found by id prefix (<c>{runId}/</c>
/// for its work, tasks and delegations, <c>{runId}.</c> for a flow's step runs). Neither '/' nor '.' can appear in a
/// run id given at kickoff, so the prefixes never reach another run.
/// </summary>
public static class InstanceTree
{
    static readonly OrchestrationRuntimeStatus[] Active = [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended];

    /// <summary>The prefixes of the instances that work for run <paramref name="runId"/>.</summary>
    public static IReadOnlyList<string> DescendantsOf(string runId) => [$"{runId}/", $"{runId}."];

    /// <summary>The ids of the instances under <paramref name="prefixes"/>, active ones only when <paramref name="activeOnly"/>.</summary>
    public static async Task<IReadOnlyList<string>> FindAsync(DurableTaskClient client, IEnumerable<string> prefixes, bool activeOnly, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(prefixes);
        var found = new List<string>();
        foreach (string prefix in prefixes)
        {
            var query = new OrchestrationQuery { InstanceIdPrefix = prefix, Statuses = activeOnly ? Active : null };
            await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (!found.Contains(instance.InstanceId))
                {
                    found.Add(instance.InstanceId);
                }
            }
        }

        return found;
    }

    /// <summary>
    /// Terminates <paramref name="instanceId"/> and every active instance under <paramref name="prefixes"/>, then waits up
    /// to <paramref name="patience"/> for them to end.
    /// </summary>
    /// <param name="client">The host's client.</param>
    /// <param name="instanceId">The instance to end.</param>
    /// <param name="prefixes">The id prefixes of the instances under it.</param>
    /// <param name="reason">Why, recorded as their output.</param>
    /// <param name="patience">How long to wait for them to end.</param>
    /// <param name="afterRequested">Runs once every termination is requested, before the wait (to cancel their model calls: a call
    /// cancelled earlier would fail its work before the termination reached it).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public static async Task TerminateAsync(DurableTaskClient client, string instanceId, IEnumerable<string> prefixes, string reason, TimeSpan patience, Action? afterRequested = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var ending = new List<string> { instanceId };
        ending.AddRange((await FindAsync(client, prefixes, activeOnly: true, cancellationToken).ConfigureAwait(false)).Where(id => id != instanceId));
        foreach (string id in ending)
        {
            await client.TerminateInstanceAsync(id, new TerminateInstanceOptions { Output = reason }, cancellationToken).ConfigureAwait(false);
        }

        afterRequested?.Invoke();

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(patience);
        try
        {
            await Task.WhenAll(ending.Select(id => client.WaitForInstanceCompletionAsync(id, wait.Token))).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // They were told to end; the caller does not wait on them longer than this.
        }
    }
}
