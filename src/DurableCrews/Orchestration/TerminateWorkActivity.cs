using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace DurableCrews.Orchestration;

/// <summary>
/// Terminates a run's child orchestration, and its own children, when its deadline passes. An orchestration cannot
/// end another, so this is an activity over the host's <see cref="DurableTaskClient"/>.
/// </summary>
public sealed class TerminateWorkActivity : TaskActivity<TerminateWorkRequest, bool>
{
    readonly DurableTaskClient client;

    /// <summary>Creates the activity over the host's client.</summary>
    public TerminateWorkActivity(DurableTaskClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        this.client = client;
    }

    /// <inheritdoc />
    public override Task<bool> RunAsync(TaskActivityContext context, TerminateWorkRequest input) => ExecuteAsync(input);

    /// <summary>
    /// Terminates the instance and every running instance whose id starts with one of <see cref="TerminateWorkRequest.Descendants"/>
    /// (its tasks and delegations), and waits a little for them to end; false when the instance had already ended.
    /// </summary>
    public async Task<bool> ExecuteAsync(TerminateWorkRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var instance = await client.GetInstanceAsync(request.InstanceId, cancellationToken).ConfigureAwait(false);
        if (instance is null || instance.IsCompleted)
        {
            return false;
        }

        var ending = new List<string> { request.InstanceId };
        foreach (string prefix in request.Descendants)
        {
            var query = new OrchestrationQuery
            {
                InstanceIdPrefix = prefix,
                Statuses = [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended],
            };
            await foreach (var descendant in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (!ending.Contains(descendant.InstanceId))
                {
                    ending.Add(descendant.InstanceId);
                }
            }
        }

        foreach (string id in ending)
        {
            await client.TerminateInstanceAsync(id, new TerminateInstanceOptions { Output = request.Reason }, cancellationToken).ConfigureAwait(false);
        }

        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await Task.WhenAll(ending.Skip(1).Select(id => client.WaitForInstanceCompletionAsync(id, patience.Token))).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // They were told to end; the run does not wait on them longer than this.
        }

        return true;
    }
}
