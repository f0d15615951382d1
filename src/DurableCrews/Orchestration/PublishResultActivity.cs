using DurableCrews.Api;
using DurableCrews.Orchestration.Crews;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration;

/// <summary>Puts a message on <c>crew-results</c> when a run ends (with <c>DurableCrews:Queues:PublishResults</c> on): its id, crew, status, usage and where its result is.</summary>
public sealed class PublishResultActivity : TaskActivity<CrewRunSummary, bool>
{
    readonly CrewQueues queues;

    /// <summary>Creates the activity.</summary>
    public PublishResultActivity(CrewQueues queues) => this.queues = queues;

    /// <inheritdoc />
    public override Task<bool> RunAsync(TaskActivityContext context, CrewRunSummary input) => ExecuteAsync(input);

    /// <summary>Publishes the run's end.</summary>
    public async Task<bool> ExecuteAsync(CrewRunSummary summary, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        await queues.PublishResultAsync(
            new { summary.RunId, summary.Crew, Status = summary.Status.ToString(), summary.ResultBlob, summary.TasksCompleted, summary.TokenUsage, summary.Error },
            cancellationToken).ConfigureAwait(false);
        return true;
    }
}
