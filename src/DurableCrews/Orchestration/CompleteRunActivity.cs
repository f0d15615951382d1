using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration;

/// <summary>Gathers the finished tasks' outputs into the run's result (<c>result.json</c> and <c>result.md</c>).</summary>
public sealed class CompleteRunActivity : TaskActivity<CompleteRunRequest, CrewRunSummary>
{
    readonly RunStore runs;
    readonly TimeProvider time;

    /// <summary>Creates the activity.</summary>
    public CompleteRunActivity(RunStore runs, TimeProvider time)
    {
        this.runs = runs;
        this.time = time;
    }

    /// <inheritdoc />
    public override Task<CrewRunSummary> RunAsync(TaskActivityContext context, CompleteRunRequest input) => ExecuteAsync(input);

    /// <summary>Writes the result and returns the run's summary.</summary>
    public async Task<CrewRunSummary> ExecuteAsync(CompleteRunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var run = await runs.RequireRunAsync(request.RunId, cancellationToken).ConfigureAwait(false);
        var crew = run.Definition;
        var outputs = new List<TaskOutput>();
        // Without a list (a run ended at its deadline), every task whose output is stored finished.
        foreach (int index in request.FinishedTasks?.Order() ?? Enumerable.Range(0, crew.Tasks.Count))
        {
            if (await runs.GetTaskOutputAsync(request.RunId, index, crew.Tasks[index].Name, cancellationToken).ConfigureAwait(false) is { } output)
            {
                outputs.Add(output);
            }
        }

        var planner = crew.Planning ? await runs.GetWorkAsync(request.RunId, AgentWorkInput.PlanningKey, cancellationToken).ConfigureAwait(false) : null;
        var last = request.Status == CrewRunStatus.Completed ? outputs.LastOrDefault() : null;
        var result = new CrewOutput
        {
            RunId = request.RunId,
            Crew = crew.Name,
            Status = request.Status,
            Error = request.Error,
            Raw = last?.Raw ?? string.Empty,
            Json = last?.Json,
            TasksOutput = outputs,
            TokenUsage = TokenUsage.Sum(outputs.Select(o => o.TokenUsage)).Add(planner?.Usage ?? TokenUsage.Zero),
            StartedAt = request.StartedAt,
            FinishedAt = time.GetUtcNow(),
        };
        string blob = await runs.SaveResultAsync(result, cancellationToken).ConfigureAwait(false);
        Telemetry.CrewTelemetry.RunEnded(result);
        return new CrewRunSummary(request.RunId, crew.Name, request.Status, blob, outputs.Count, result.TokenUsage, request.Error);
    }
}
