using DurableCrews.Definitions;
using DurableCrews.Storage;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration;

/// <summary>Reads a run's stored request and gives the orchestrator its plan.</summary>
public sealed class StartRunActivity : TaskActivity<string, CrewRunPlan>
{
    readonly RunStore runs;

    /// <summary>Creates the activity.</summary>
    public StartRunActivity(RunStore runs) => this.runs = runs;

    /// <inheritdoc />
    public override Task<CrewRunPlan> RunAsync(TaskActivityContext context, string input) => ExecuteAsync(input);

    /// <summary>The plan of the run <paramref name="runId"/>.</summary>
    public async Task<CrewRunPlan> ExecuteAsync(string runId, CancellationToken cancellationToken = default)
    {
        var run = await runs.RequireRunAsync(runId, cancellationToken).ConfigureAwait(false);
        var crew = run.Definition;
        var tasks = crew.Tasks.Select((task, index) =>
        {
            var agent = crew.FindAgent(task.Agent ?? string.Empty);
            IReadOnlyList<int>? context = task.Context?.Select(name => crew.Tasks.ToList().FindIndex(t => t.Name == name)).ToList();
            return new PlannedTask(index, task.Name, agent?.Role ?? "manager", context, task.AsyncExecution, agent?.MaxRetryLimit ?? 2);
        }).ToList();
        return new CrewRunPlan(crew.Name, tasks);
    }
}
