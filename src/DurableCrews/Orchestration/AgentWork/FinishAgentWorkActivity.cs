using Microsoft.DurableTask;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>Finishes one agent's work (<see cref="WorkFinisher"/>): a crew task's output, or a delegation's final answer.</summary>
public sealed class FinishAgentWorkActivity(WorkLifecycle lifecycle) : TaskActivity<FinishAgentWorkRequest, AgentWorkSummary>
{
    /// <inheritdoc />
    public override Task<AgentWorkSummary> RunAsync(TaskActivityContext context, FinishAgentWorkRequest input) => ExecuteAsync(input);

    /// <summary>Finishes the work and returns where its result is.</summary>
    public Task<AgentWorkSummary> ExecuteAsync(FinishAgentWorkRequest request, CancellationToken cancellationToken = default) => lifecycle.FinishAsync(request, cancellationToken);
}
