using DurableCrews.Orchestration.RateLimiting;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>
/// Terminates a run's child orchestration, and its own children, when its deadline passes. An orchestration cannot
/// end another, so this is an activity over the host's <see cref="DurableTaskClient"/>.
/// </summary>
public sealed class TerminateWorkActivity : TaskActivity<TerminateWorkRequest, bool>
{
    readonly DurableTaskClient client;
    readonly InFlightModelCalls calls;

    /// <summary>Creates the activity over the host's client.</summary>
    public TerminateWorkActivity(DurableTaskClient client, InFlightModelCalls calls)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(calls);
        this.client = client;
        this.calls = calls;
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

        await InstanceTree.TerminateAsync(
            client, request.InstanceId, request.Descendants, request.Reason, TimeSpan.FromSeconds(30), () => calls.Cancel(request.InstanceId, request.Descendants), cancellationToken).ConfigureAwait(false);
        return true;
    }
}
