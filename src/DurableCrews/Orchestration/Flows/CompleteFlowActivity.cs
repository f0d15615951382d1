using DurableCrews.Orchestration.Crews;
using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration.Flows;

/// <summary>
/// Gathers a flow's result, stored like a crew's (<c>result.json</c>, <c>result.md</c>): one entry per finished step
/// in <c>tasks_output</c> (named after the step, with its crew's final output and usage), the last step's output as
/// the flow's. Emits the flow's trace.
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
        var history = new List<FlowStepRecord>(flow.Flow.UsesGraph() ? (await runs.GetFlowStateAsync(flow.RunId, cancellationToken).ConfigureAwait(false))?.History ?? [] : []);
        var results = new Dictionary<string, CrewOutput>(StringComparer.Ordinal);
        var steps = flow.Flow.UsesGraph() ? await GraphStepsAsync(flow, history, results, cancellationToken).ConfigureAwait(false) : [];
        foreach (var (step, index) in flow.Flow.UsesGraph() ? [] : flow.Flow.Steps.Select((s, i) => (s, i)))
        {
            string stepRun = flow.StepRunId(step.Name);
            if (await runs.GetResultAsync(stepRun, cancellationToken).ConfigureAwait(false) is { Status: CrewRunStatus.Completed } result)
            {
                steps.Add(Entry(step.Name, index, $"Crew '{step.Crew!.Name}', run {stepRun}", step.Crew, result, step.DependsOn));
                results[stepRun] = result;
                history.Add(new FlowStepRecord { Step = step.Name, RunIds = [stepRun] });
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
        Telemetry.CrewTelemetry.FlowEnded(output, history, results, flow.Flow.Steps.Where(s => s.ForEach is not null).Select(s => s.Name).ToHashSet(StringComparer.Ordinal));
        return new CrewRunSummary(request.RunId, flow.Flow.Name, request.Status, blob, steps.Count, output.TokenUsage, request.Error);
    }

    /// <summary>
    /// A CrewAI-style flow's entries: one per finished crew run (each iteration, each item <c>step[k]</c>) and per
    /// person's answer, in the order the steps finished, read from the flow's <c>state.json</c>.
    /// </summary>
    async Task<List<TaskOutput>> GraphStepsAsync(FlowRunRecord flow, IReadOnlyList<FlowStepRecord> history, Dictionary<string, CrewOutput> results, CancellationToken cancellationToken)
    {
        var entries = new List<TaskOutput>();
        foreach (var record in history)
        {
            var step = flow.Flow.Steps.First(s => s.Name == record.Step);
            string iteration = record.Iteration == 1 ? string.Empty : $", iteration {record.Iteration}";
            if (step.Kind == Definitions.FlowStepKind.HumanFeedback)
            {
                entries.Add(new TaskOutput
                {
                    Name = step.Name,
                    Index = entries.Count,
                    Description = $"Human feedback{iteration}: {step.HumanFeedback!.Message}",
                    Agent = "human",
                    Raw = record.Feedback is null ? record.Outcome ?? string.Empty : $"{record.Outcome}: {record.Feedback}",
                    Context = record.Labels,
                });
                continue;
            }

            foreach (var (runId, item) in record.RunIds.Select((r, i) => (r, i)))
            {
                if (await runs.GetResultAsync(runId, cancellationToken).ConfigureAwait(false) is { Status: CrewRunStatus.Completed } result)
                {
                    results[runId] = result;
                    string what = step.Kind == Definitions.FlowStepKind.Agent ? "Agent" : "Crew";
                    entries.Add(Entry(step.ForEach is null ? step.Name : $"{step.Name}[{item}]", entries.Count, $"{what} '{step.Crew!.Name}', run {runId}{iteration}", step.Crew, result, record.Labels));
                }
            }
        }

        return entries;
    }

    /// <summary>A finished crew run as one entry of the flow's result.</summary>
    static TaskOutput Entry(string name, int index, string description, Definitions.CrewDefinition crew, CrewOutput result, IReadOnlyList<string> context) => new()
    {
        Name = name,
        Index = index,
        Description = description,
        ExpectedOutput = crew.Tasks[^1].ExpectedOutput,
        Agent = crew.Name,
        Raw = result.Raw,
        Json = result.Json,
        Context = context,
        StartedAt = result.StartedAt,
        FinishedAt = result.FinishedAt,
        TokenUsage = result.TokenUsage,
    };
}
