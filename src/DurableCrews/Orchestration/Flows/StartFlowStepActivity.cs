using DurableCrews.Definitions;
using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration.Flows;

/// <summary>
/// Starts one step of a flow: fills its inputs from the flow's inputs and the earlier steps' results, fills its crew
/// with them, and stores the step's run request as <c>{flowRunId}.{step}</c>. A step stored before is not stored again.
/// </summary>
public sealed class StartFlowStepActivity : TaskActivity<FlowStepRequest, string>
{
    readonly RunStore runs;
    readonly TimeProvider time;

    /// <summary>Creates the activity.</summary>
    public StartFlowStepActivity(RunStore runs, TimeProvider time)
    {
        this.runs = runs;
        this.time = time;
    }

    /// <inheritdoc />
    public override Task<string> RunAsync(TaskActivityContext context, FlowStepRequest input) => ExecuteAsync(input);

    /// <summary>Stores the step's run request and returns its run id.</summary>
    /// <exception cref="CrewDefinitionException">The step's filled inputs do not suit its crew.</exception>
    public async Task<string> ExecuteAsync(FlowStepRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var flow = await runs.GetFlowAsync(request.RunId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Flow run '{request.RunId}' has no stored request.");
        var step = flow.Flow.Steps.Single(s => s.Name == request.Step);
        string runId = flow.StepRunId(step.Name);
        if (await runs.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) is not null)
        {
            return runId;
        }

        var results = new Dictionary<string, CrewOutput>(StringComparer.Ordinal);
        foreach (var earlier in flow.Flow.Steps.TakeWhile(s => s.Name != step.Name))
        {
            if (await runs.GetResultAsync(flow.StepRunId(earlier.Name), cancellationToken).ConfigureAwait(false) is { } result)
            {
                results[earlier.Name] = result;
            }
        }

        string Resolve(string stepName, string? task) =>
            !results.TryGetValue(stepName, out var result) ? string.Empty
            : task is null ? result.Raw
            : result.TasksOutput.FirstOrDefault(t => t.Name == task)?.Raw ?? string.Empty;

        var inputs = step.Inputs.ToDictionary(i => i.Key, i => FlowInputs.Fill(i.Value, flow.Inputs, Resolve), StringComparer.Ordinal);
        var filled = CrewInputs.Interpolate(step.Crew!, inputs);
        if (!filled.Succeeded)
        {
            throw new CrewDefinitionException(filled.Problems.Select(p => p with { Path = $"steps.{step.Name}.{p.Path}" }).ToList());
        }

        try
        {
            await runs.SaveRunAsync(new RunRecord { RunId = runId, Definition = filled.Definition!, Inputs = inputs, CreatedAt = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobConditionFailedException)
        {
            // A redelivered start stored it already.
        }

        return runId;
    }
}
