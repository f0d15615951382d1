using System.Globalization;
using System.Text.Json.Nodes;
using DurableCrews.Definitions;
using DurableCrews.Expressions;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;

namespace DurableCrews.Orchestration.Flows;

/// <summary>
/// Prepares one run of a step of a CrewAI-style flow: reads its <c>for_each</c> list, fills its inputs (per item) from
/// the flow's state, inputs and earlier results, and stores a crew run request per item, each under a deterministic
/// id (<c>{runId}.{step}</c>, <c>{runId}.{step}.{n}</c> for its n-th run, <c>….i{k}</c> for item k). For a human
/// feedback step it fills the message. A run stored before is not stored again, so a redelivery changes nothing.
/// </summary>
public sealed class BeginFlowStepActivity : TaskActivity<FlowStepOrder, FlowStepStart>
{
    /// <summary>The most crew runs of one step whose plans travel with the answer; a longer list leaves each run to read its own.</summary>
    internal const int MaxPlans = 16;

    readonly RunStore runs;
    readonly TimeProvider time;
    readonly int maxItems;
    readonly bool publishResults;

    /// <summary>Creates the activity.</summary>
    public BeginFlowStepActivity(RunStore runs, IOptions<ExecutionOptions> options, IOptions<Api.QueueOptions> queues, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(queues);
        this.runs = runs;
        this.time = time;
        maxItems = options.Value.MaxForEachItems;
        publishResults = queues.Value.PublishResults;
    }

    /// <inheritdoc />
    public override Task<FlowStepStart> RunAsync(TaskActivityContext context, FlowStepOrder input) => ExecuteAsync(input);

    /// <summary>Stores the step's crew runs (or fills its message) and says what to start.</summary>
    /// <exception cref="FlowStepException">The step's list is not one or too long, or its filled inputs do not suit its crew.</exception>
    public async Task<FlowStepStart> ExecuteAsync(FlowStepOrder order, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(order);
        var flow = await runs.GetFlowAsync(order.RunId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Flow run '{order.RunId}' has no stored request.");
        var step = flow.Flow.Steps.Single(s => s.Name == order.Step);
        var variables = await FlowVariables.BuildAsync(runs, flow, order.State, order.Steps, cancellationToken).ConfigureAwait(false);
        return await BeginAsync(flow, step, variables, order, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Begins the run of <paramref name="step"/> that <paramref name="snapshot"/> precedes on the flow's variables as
    /// they stand (its own item names are added to them), and stores the snapshot, so that the flow can be replayed from it.
    /// </summary>
    /// <exception cref="FlowStepException">The step's list is not one or too long, or its filled inputs do not suit its crew.</exception>
    internal async Task<FlowStepStart> BeginAsync(FlowRunRecord flow, FlowStep step, JsonObject variables, FlowStepOrder snapshot, CancellationToken cancellationToken)
    {
        var starting = PrepareAsync(flow, step, snapshot.Iteration, variables, cancellationToken);
        await Task.WhenAll(runs.SaveFlowSnapshotAsync(snapshot, cancellationToken), starting).ConfigureAwait(false);
        return await starting.ConfigureAwait(false);
    }

    async Task<FlowStepStart> PrepareAsync(FlowRunRecord flow, FlowStep step, int iteration, JsonObject variables, CancellationToken cancellationToken)
    {
        if (step.HumanFeedback is { } feedback)
        {
            return new FlowStepStart([], FlowTemplates.Fill(feedback.Message, variables));
        }

        string stepRun = iteration == 1 ? flow.StepRunId(step.Name) : $"{flow.StepRunId(step.Name)}.{iteration.ToString(CultureInfo.InvariantCulture)}";
        if (step.ForEach is not { } forEach)
        {
            return new FlowStepStart([stepRun]) { Plans = [await StoreAsync(step, stepRun, variables, cancellationToken).ConfigureAwait(false)] };
        }

        var items = Items(step, forEach, variables);
        var runIds = new List<string>();
        var plans = new List<CrewRunPlan?>();
        for (int k = 0; k < items.Count; k++)
        {
            variables[step.As] = items[k]?.DeepClone();
            variables[$"{step.As}_index"] = k;
            string itemRun = $"{stepRun}.i{k.ToString(CultureInfo.InvariantCulture)}";
            plans.Add(await StoreAsync(step, itemRun, variables, cancellationToken).ConfigureAwait(false));
            runIds.Add(itemRun);
        }

        return new FlowStepStart(runIds) { Plans = plans.Count <= MaxPlans ? plans : null };
    }

    JsonArray Items(FlowStep step, string forEach, JsonObject variables)
    {
        JsonNode? list;
        try
        {
            list = CrewExpression.Parse(forEach).Evaluate(variables);
        }
        catch (ExpressionException ex)
        {
            throw new FlowStepException($"steps.{step.Name}.for_each: {ex.Message}");
        }

        return list switch
        {
            JsonArray many when many.Count > maxItems => throw new FlowStepException($"steps.{step.Name}.for_each gave {many.Count} items; a step runs at most {maxItems} (DurableCrews:Execution:MaxForEachItems)"),
            JsonArray items => items,
            null => [],
            _ => throw new FlowStepException($"steps.{step.Name}.for_each must give a list; '{forEach}' gave {list.GetValueKind().ToString().ToLowerInvariant()}"),
        };
    }

    /// <summary>Stores one crew run's request; its plan, so that the run starts without reading the request back, or null when it was stored before.</summary>
    async Task<CrewRunPlan?> StoreAsync(FlowStep step, string runId, JsonObject variables, CancellationToken cancellationToken)
    {
        // No read first: the write stores only a new run, and a run stored before is the same one (same state, same results).
        var inputs = step.Inputs.ToDictionary(i => i.Key, i => FlowTemplates.Fill(i.Value, variables), StringComparer.Ordinal);
        var filled = CrewInputs.Interpolate(step.Crew!, inputs);
        if (!filled.Succeeded)
        {
            throw new FlowStepException(string.Join("; ", filled.Problems.Select(p => $"steps.{step.Name}.{p.Path}: {p.Message}")));
        }

        var run = new RunRecord { RunId = runId, Definition = filled.Definition!, Inputs = inputs, CreatedAt = time.GetUtcNow() };
        try
        {
            return CrewRunPlan.Of(run, await runs.SaveRunAsync(run, cancellationToken).ConfigureAwait(false), publishResults);
        }
        catch (BlobConditionFailedException)
        {
            // A redelivered start stored it already.
            return null;
        }
    }
}
