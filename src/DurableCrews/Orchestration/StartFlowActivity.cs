using DurableCrews.Storage;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration;

/// <summary>Reads a flow run's stored request and gives the orchestrator its plan.</summary>
public sealed class StartFlowActivity : TaskActivity<string, FlowPlan>
{
    readonly RunStore runs;
    readonly Api.QueueOptions queues;

    /// <summary>Creates the activity.</summary>
    public StartFlowActivity(RunStore runs, Microsoft.Extensions.Options.IOptions<Api.QueueOptions> queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        this.runs = runs;
        this.queues = queues.Value;
    }

    /// <inheritdoc />
    public override Task<FlowPlan> RunAsync(TaskActivityContext context, string input) => ExecuteAsync(input);

    /// <summary>The plan of the flow run <paramref name="runId"/>.</summary>
    public async Task<FlowPlan> ExecuteAsync(string runId, CancellationToken cancellationToken = default)
    {
        var run = await runs.GetFlowAsync(runId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Flow run '{runId}' has no stored request.");
        return new FlowPlan(run.Flow.Name, run.Flow.Steps.Select(s => new FlowPlannedStep(s.Name, s.Crew.Name, s.DependsOn)).ToList(), run.Flow.MaxExecutionTime, queues.PublishResults);
    }
}
