using DurableCrews.Orchestration.AgentWork;
using DurableCrews.Orchestration.Crews;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration;

/// <summary>Gathers the finished tasks' outputs into the run's result and tidies the crew's memory (<see cref="RunCompleter"/>).</summary>
public sealed class CompleteRunActivity(WorkLifecycle lifecycle) : TaskActivity<CompleteRunRequest, CrewRunSummary>
{
    /// <inheritdoc />
    public override Task<CrewRunSummary> RunAsync(TaskActivityContext context, CompleteRunRequest input) => ExecuteAsync(input);

    /// <summary>Writes the result and returns the run's summary.</summary>
    public Task<CrewRunSummary> ExecuteAsync(CompleteRunRequest request, CancellationToken cancellationToken = default) => lifecycle.CompleteRunAsync(request, cancellationToken);
}
