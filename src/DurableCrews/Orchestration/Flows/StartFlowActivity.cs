using System.Text.Json;
using System.Text.Json.Nodes;
using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration.Flows;

/// <summary>Reads a flow run's stored request and gives the orchestrator its plan.</summary>
public sealed class StartFlowActivity : TaskActivity<string, FlowPlan>
{
    readonly RunStore runs;
    readonly Api.QueueOptions queues;

    /// <summary>Creates the activity.</summary>
    public StartFlowActivity(RunStore runs, Microsoft.Extensions.Options.IOptions<Api.QueueOptions> queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        this.runs = runs;
        this.queues = queues.Value;
    }

    /// <inheritdoc />
    public override Task<FlowPlan> RunAsync(TaskActivityContext context, string input) => ExecuteAsync(input);

    /// <summary>The plan of the flow run <paramref name="runId"/>.</summary>
    public async Task<FlowPlan> ExecuteAsync(string runId, CancellationToken cancellationToken = default)
    {
        var run = await runs.GetFlowAsync(runId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Flow run '{runId}' has no stored request.");
        return new FlowPlan(run.Flow.Name, run.Flow.Steps.Select(s => new FlowPlannedStep(s.Name, s.Crew?.Name ?? s.Name, s.DependsOn)).ToList(), run.Flow.MaxExecutionTime, queues.PublishResults)
        {
            Graph = run.Flow.UsesGraph() ? await GraphAsync(run, cancellationToken).ConfigureAwait(false) : null,
            Kept = run.ReplayFrom is { } replay && !run.Flow.UsesGraph() ? run.Flow.Steps.Select(s => s.Name).Where(replay.Steps.ContainsKey).ToList() : null,
        };
    }

    /// <summary>The graph of a CrewAI-style flow run; for a replay, resumed where its snapshot was taken, after the step runs its <c>state.json</c> was seeded with.</summary>
    async Task<FlowGraph> GraphAsync(FlowRunRecord run, CancellationToken cancellationToken)
    {
        var steps = run.Flow.Steps.Select(FlowGraphStep.Of).ToList();
        if (run.ReplayFrom is not { } snapshot)
        {
            return new FlowGraph { Steps = steps, State = InitialState(run) };
        }

        var history = (await runs.GetFlowStateAsync(run.RunId, cancellationToken).ConfigureAwait(false))?.History ?? [];
        return new FlowGraph { Steps = steps, State = snapshot.State, Resume = FlowGraphResume.Of(snapshot, history, steps) };
    }

    /// <summary>
    /// The flow's initial state with the kickoff inputs merged in (CrewAI's <c>kickoff(inputs=…)</c>): an input for a
    /// field that starts as a number, a boolean, a list or a mapping is read as JSON of that kind when it is one.
    /// </summary>
    static JsonObject InitialState(FlowRunRecord run)
    {
        var state = run.Flow.State is { } initial ? JsonNode.Parse(initial.GetRawText())!.AsObject() : [];
        foreach (var (name, text) in run.Inputs)
        {
            var kind = state[name]?.GetValueKind() ?? JsonValueKind.String;
            JsonNode? typed = null;
            if (kind is not JsonValueKind.String)
            {
                try
                {
                    typed = JsonNode.Parse(text);
                }
                catch (JsonException)
                {
                    // Not JSON: kept as the text it is.
                }
            }

            state[name] = typed is not null && (typed.GetValueKind() == kind || (kind is JsonValueKind.True or JsonValueKind.False && typed.GetValueKind() is JsonValueKind.True or JsonValueKind.False))
                ? typed
                : JsonValue.Create(text);
        }

        return state;
    }
}
