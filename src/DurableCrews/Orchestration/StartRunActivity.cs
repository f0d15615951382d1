using DurableCrews.Agents;
using DurableCrews.Api;
using Microsoft.Extensions.Options;
using DurableCrews.Definitions;
using DurableCrews.Storage;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration;

/// <summary>Reads a run's stored request and gives the orchestrator its plan.</summary>
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
        var crew = run.Definition;
        var names = crew.Tasks.Select(t => t.Name).ToList();
        var tasks = crew.Tasks.Select((task, index) =>
        {
            var agent = crew.Process == CrewProcess.Hierarchical ? ManagerPersona.For(crew) : crew.FindAgent(task.Agent ?? string.Empty);
            IReadOnlyList<int>? context = task.Context?.Select(name => names.IndexOf(name)).ToList();
            bool inline = agent is not null && !task.HumanInput && agent.MaxExecutionTime is null;
            return new PlannedTask(index, task.Name, agent?.Role ?? ManagerPersona.Role, context, task.AsyncExecution, agent?.MaxRetryLimit ?? 2, agent?.MaxExecutionTime, inline);
        }).ToList();
        Telemetry.CrewTelemetry.RunStarted(crew.Name);
        return new CrewRunPlan(crew.Name, tasks, crew.MaxExecutionTime, run.Webhooks, crew.Planning, queues.PublishResults, etag);
    }
}
