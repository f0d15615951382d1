using System.Text;
using System.Text.Json.Nodes;
using DurableCrews.Definitions;
using DurableCrews.Expressions;
using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration.Flows;

/// <summary>
/// Finishes one run of a step of a CrewAI-style flow: applies its <c>set</c> to the state (each field in order, each
/// seeing the ones before), then takes the first route of its <c>router</c> whose condition holds, and writes the
/// flow's <c>state.json</c>. The orchestrator calls it for one step at a time, so the state it writes is the flow's.
/// Expressions run here rather than in the orchestrator so that the steps' outputs they read stay out of its history;
/// the answer is recorded in the history like any activity's, so a replay takes the same route. When the order asks,
/// it then begins the runs of the steps that listen to what the step fired, on the new state, so that a loop's next
/// iteration starts without an activity of its own. The flow's request and the state it last wrote are kept on the worker
/// (<see cref="FlowStateCache"/>), so that the next finish of the flow there reads neither back unless another writer
/// changed the state.
/// </summary>
public sealed class FinishFlowStepActivity : TaskActivity<FlowStepOrder, FlowStepEnd>
{
    readonly RunStore runs;
    readonly BeginFlowStepActivity begin;
    readonly FlowStateCache written;
    readonly TimeProvider time;

    /// <summary>Creates the activity.</summary>
    public FinishFlowStepActivity(RunStore runs, BeginFlowStepActivity begin, FlowStateCache written, TimeProvider time)
    {
        this.runs = runs;
        this.begin = begin;
        this.written = written;
        this.time = time;
    }

    /// <inheritdoc />
    public override Task<FlowStepEnd> RunAsync(TaskActivityContext context, FlowStepOrder input) => ExecuteAsync(input);

    /// <summary>Applies the step's <c>set</c> and <c>router</c>, stores the state, and returns both.</summary>
    /// <exception cref="FlowStepException">An expression fails on the run's values, or the state grows past its bound.</exception>
    public async Task<FlowStepEnd> ExecuteAsync(FlowStepOrder order, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(order);
        _ = order.Finished ?? throw new ArgumentException("The finished step run is missing.", nameof(order));
        if (written.Find(order.RunId) is { } kept)
        {
            try
            {
                return await FinishAsync(order, kept.Flow, kept.State, kept.ETag, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is BlobConditionFailedException or FlowStepException or InvalidOperationException)
            {
                // The state is not what this worker wrote (or the request kept with it no longer fits): read both.
                written.Forget(order.RunId);
            }
        }

        var reading = runs.GetFlowAsync(order.RunId, cancellationToken);
        var stored = runs.GetFlowStateAsync(order.RunId, cancellationToken);
        await Task.WhenAll(reading, stored).ConfigureAwait(false);
        var flow = await reading.ConfigureAwait(false) ?? throw new InvalidOperationException($"Flow run '{order.RunId}' has no stored request.");
        return await FinishAsync(order, flow, await stored.ConfigureAwait(false), null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Finishes the step on the flow's request and its state as stored (none before its first finish); with
    /// <paramref name="storedETag"/>, the state is written only while its blob still has that ETag.
    /// </summary>
    async Task<FlowStepEnd> FinishAsync(FlowStepOrder order, FlowRunRecord flow, FlowStateRecord? stored, string? storedETag, CancellationToken cancellationToken)
    {
        var finished = order.Finished!;
        var step = flow.Flow.Steps.Single(s => s.Name == order.Step);
        var steps = new Dictionary<string, FlowStepRecord>(order.Steps, StringComparer.Ordinal) { [step.Name] = finished };
        var variables = FlowVariables.WithResult(await FlowVariables.BuildAsync(runs, flow, order.State, steps, cancellationToken).ConfigureAwait(false), step.Name);
        var state = order.State.DeepClone().AsObject();
        foreach (var (field, expression) in step.Set)
        {
            state[field] = Evaluate(expression, variables, $"steps.{step.Name}.set.{field}");
            variables["state"] = state.DeepClone();
        }

        int size = Encoding.UTF8.GetByteCount(state.ToJsonString());
        if (size > FlowDefinition.MaxStateBytes)
        {
            throw new FlowStepException($"steps.{step.Name}.set: the state grew to {size} bytes of JSON; it holds at most {FlowDefinition.MaxStateBytes}");
        }

        var labels = new List<string>();
        if (finished.Outcome is { } outcome)
        {
            labels.Add(outcome);
        }

        if (Route(step, variables) is { } label)
        {
            labels.Add(label);
        }

        await SaveAsync(flow, order, finished with { Labels = labels }, state, steps, stored, storedETag, cancellationToken).ConfigureAwait(false);
        var begun = order.BeginsNext ? await BeginListenersAsync(flow, order with { State = state, Steps = steps }, [step.Name, .. labels], variables, cancellationToken).ConfigureAwait(false) : [];
        return new FlowStepEnd(state, labels) { Begun = begun };
    }

    /// <summary>
    /// Begins the next run of each step listening to one of <paramref name="fired"/> that is not running and not past
    /// its <c>max_iterations</c>: the runs the orchestrator starts next. A step whose begin fails is left to its own
    /// activity, which reports the failure as the step's.
    /// </summary>
    async Task<List<FlowStepBegun>> BeginListenersAsync(FlowRunRecord flow, FlowStepOrder order, IReadOnlyList<string> fired, JsonObject variables, CancellationToken cancellationToken)
    {
        var begun = new List<FlowStepBegun>();
        foreach (var next in flow.Flow.Steps.Where(s => s.Listen.Any(fired.Contains) && !order.Running.Contains(s.Name)))
        {
            int iteration = order.Iterations.GetValueOrDefault(next.Name) + 1;
            if (iteration > next.MaxIterations)
            {
                continue;
            }

            var flowVariables = new JsonObject { ["inputs"] = variables["inputs"]?.DeepClone(), ["state"] = order.State.DeepClone(), ["steps"] = variables["steps"]?.DeepClone() };
            var before = order with { Step = next.Name, Iteration = iteration, Iterations = new Dictionary<string, int>(order.Iterations, StringComparer.Ordinal) { [next.Name] = iteration }, Finished = null, BeginsNext = false };
            try
            {
                begun.Add(new FlowStepBegun(next.Name, iteration, await begin.BeginAsync(flow, next, flowVariables, before, cancellationToken).ConfigureAwait(false)));
            }
            catch (FlowStepException)
            {
                // Its own activity meets the same failure and reports it as the step's.
            }
        }

        return begun;
    }

    static string? Route(FlowStep step, JsonObject variables)
    {
        for (int i = 0; i < step.Router.Count; i++)
        {
            var route = step.Router[i];
            if (route.When is null || Condition(route.When, variables, $"steps.{step.Name}.router[{i}].when"))
            {
                return route.Emit;
            }
        }

        return null;
    }

    static JsonNode? Evaluate(string expression, JsonObject variables, string path)
    {
        try
        {
            return CrewExpression.Parse(expression).Evaluate(variables);
        }
        catch (ExpressionException ex)
        {
            throw new FlowStepException($"{path}: {ex.Message}");
        }
    }

    static bool Condition(string expression, JsonObject variables, string path)
    {
        try
        {
            return CrewExpression.Parse(expression).EvaluateCondition(variables);
        }
        catch (ExpressionException ex)
        {
            throw new FlowStepException($"{path}: {ex.Message}");
        }
    }

    async Task SaveAsync(FlowRunRecord flow, FlowStepOrder order, FlowStepRecord finished, JsonObject state, Dictionary<string, FlowStepRecord> steps, FlowStateRecord? stored, string? storedETag, CancellationToken cancellationToken)
    {
        // A redelivered finish finds its own run recorded already and does not list it twice.
        var history = (stored?.History ?? []).Where(r => r.Step != finished.Step || r.Iteration != finished.Iteration).Append(finished).ToList();
        steps[finished.Step] = finished;
        var record = new FlowStateRecord { RunId = order.RunId, State = state, Iterations = order.Iterations, Steps = steps, History = history, UpdatedAt = time.GetUtcNow() };
        string etag = await runs.SaveFlowStateAsync(record, storedETag, cancellationToken).ConfigureAwait(false);
        written.Remember(flow, record, etag);
    }
}
