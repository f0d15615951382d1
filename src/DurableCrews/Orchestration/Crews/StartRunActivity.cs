using DurableCrews.Api;
using DurableCrews.Storage;
using DurableCrews.Telemetry;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;

namespace DurableCrews.Orchestration.Crews;

/// <summary>Reads a run's stored request and gives the orchestrator its plan, for runs started without one (flow steps, earlier versions).</summary>
public sealed class StartRunActivity : TaskActivity<string, CrewRunPlan>
{
    readonly RunStore runs;
    readonly QueueOptions queues;

    /// <summary>Creates the activity.</summary>
    public StartRunActivity(RunStore runs, IOptions<QueueOptions> queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        this.runs = runs;
        this.queues = queues.Value;
    }

    /// <inheritdoc />
    public override Task<CrewRunPlan> RunAsync(TaskActivityContext context, string input) => ExecuteAsync(input);

    /// <summary>The plan of the run <paramref name="runId"/>.</summary>
    public async Task<CrewRunPlan> ExecuteAsync(string runId, CancellationToken cancellationToken = default)
    {
        var (run, etag) = await runs.RequireRunVersionAsync(runId, cancellationToken).ConfigureAwait(false);
        CrewTelemetry.RunStarted(run.Definition.Name);
        return CrewRunPlan.Of(run, etag, queues.PublishResults);
    }
}
