using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration;

/// <summary>
/// Gathers a flow's result, stored like a crew's (<c>result.json</c>, <c>result.md</c>): one entry per finished step
/// in <c>tasks_output</c> (named after the step, with its crew's final output and usage), the last step's output as
/// the flow's.
/// </summary>
public sealed class CompleteFlowActivity : TaskActivity<CompleteRunRequest, CrewRunSummary>
{
    readonly RunStore runs;
    readonly TimeProvider time;

    /// <summary>Creates the activity.</summary>
    public CompleteFlowActivity(RunStore runs, TimeProvider time)
    {
        this.runs = runs;
        this.time = time;
    }

    /// <inheritdoc />
    public override Task<CrewRunSummary> RunAsync(TaskActivityContext context, CompleteRunRequest input) => ExecuteAsync(input);

    /// <summary>Writes the flow's result and returns its summary.</summary>
    public async Task<CrewRunSummary> ExecuteAsync(CompleteRunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var flow = await runs.GetFlowAsync(request.RunId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Flow run '{request.RunId}' has no stored request.");
        var steps = new List<TaskOutput>();
        foreach (var (step, index) in flow.Flow.Steps.Select((s, i) => (s, i)))
        {
            string stepRun = flow.StepRunId(step.Name);
            if (await runs.GetResultAsync(stepRun, cancellationToken).ConfigureAwait(false) is { Status: CrewRunStatus.Completed } result)
            {
                steps.Add(new TaskOutput
                {
                    Name = step.Name,
                    Index = index,
                    Description = $"Crew '{step.Crew.Name}', run {stepRun}",
                    ExpectedOutput = step.Crew.Tasks[^1].ExpectedOutput,
                    Agent = step.Crew.Name,
                    Raw = result.Raw,
                    Json = result.Json,
                    Context = step.DependsOn,
                    StartedAt = result.StartedAt,
                    FinishedAt = result.FinishedAt,
                    TokenUsage = result.TokenUsage,
                });
            }
        }

        var last = request.Status == CrewRunStatus.Completed ? steps.LastOrDefault() : null;
        var output = new CrewOutput
        {
            RunId = request.RunId,
            Crew = flow.Flow.Name,
            Status = request.Status,
            Error = request.Error,
            Raw = last?.Raw ?? string.Empty,
            Json = last?.Json,
            TasksOutput = steps,
            TokenUsage = TokenUsage.Sum(steps.Select(s => s.TokenUsage)),
            StartedAt = request.StartedAt,
            FinishedAt = time.GetUtcNow(),
        };
        string blob = await runs.SaveResultAsync(output, cancellationToken).ConfigureAwait(false);
        return new CrewRunSummary(request.RunId, flow.Flow.Name, request.Status, blob, steps.Count, output.TokenUsage, request.Error);
    }
}
