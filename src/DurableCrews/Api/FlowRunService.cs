using DurableCrews.Definitions;
using DurableCrews.Orchestration;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Orchestration.Flows;
using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace DurableCrews.Api;

/// <summary>
/// Starts flow runs over a <see cref="DurableTaskClient"/>: validates the inputs, stores the run's request and starts
/// its orchestration. A flow run is read, waited for and listed like a crew run (<see cref="CrewRunService"/>).
/// </summary>
public sealed class FlowRunService
{
    readonly DurableTaskClient client;
    readonly RunStore runs;
    readonly TimeProvider time;
    readonly string startVersion;

    /// <summary>Creates the service.</summary>
    public FlowRunService(DurableTaskClient client, RunStore runs, TimeProvider time, IOptions<VersioningOptions> versioning)
    {
        ArgumentNullException.ThrowIfNull(versioning);
        startVersion = versioning.Value.StartVersion;
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(runs);
        this.client = client;
        this.runs = runs;
        this.time = time;
    }

    /// <summary>The flow inputs <paramref name="flow"/>'s steps use, in first-use order.</summary>
    public static IReadOnlyList<string> RequiredInputs(FlowDefinition flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return flow.UsesGraph()
            ? Uses(flow).Select(u => u.Input).Distinct(StringComparer.Ordinal).ToList()
            : flow.Steps.SelectMany(s => s.Inputs.Values).SelectMany(FlowInputs.References)
                .Select(r => r.Input).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// In a CrewAI-style flow, the bare <c>{name}</c>s its templates use that only a kickoff input can fill: not a
    /// state field (an input merges into the state, so a field's initial value stands in) and not a step's item.
    /// </summary>
    static IEnumerable<(string Input, string Step, string Where)> Uses(FlowDefinition flow)
    {
        var fields = flow.State is { ValueKind: System.Text.Json.JsonValueKind.Object } state
            ? state.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal)
            : [];
        foreach (var step in flow.Steps)
        {
            var templates = step.Inputs.Select(i => (Where: step.Kind == FlowStepKind.Agent ? "prompt" : $"inputs.{i.Key}", Text: i.Value));
            if (step.HumanFeedback is { } feedback)
            {
                templates = templates.Append(("human_feedback.message", feedback.Message));
            }

            foreach (var (where, text) in templates)
            {
                foreach (var reference in FlowTemplates.References(text).Where(r => r.Count == 1 && !fields.Contains(r[0])))
                {
                    if (step.ForEach is null || (reference[0] != step.As && reference[0] != $"{step.As}_index"))
                    {
                        yield return (reference[0], step.Name, where);
                    }
                }
            }
        }
    }

    /// <summary>Every problem with a kickoff of <paramref name="flow"/>: bad or missing inputs, a bad run id.</summary>
    public static IReadOnlyList<DefinitionProblem> Validate(FlowDefinition flow, KickoffRequest request)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var problems = CrewRunService.ValidateRequest(request);

        foreach (string input in RequiredInputs(flow).Where(i => !request.Inputs.ContainsKey(i)))
        {
            if (flow.UsesGraph())
            {
                var use = Uses(flow).First(u => u.Input == input);
                problems.Add(new DefinitionProblem($"inputs.{input}", $"required: steps.{use.Step}.{use.Where} uses {{{input}}}, and the kickoff gave no input '{input}' (nor has the flow's state such a field)"));
                continue;
            }

            var user = flow.Steps.SelectMany(s => s.Inputs.Select(i => (Step: s.Name, i.Key, i.Value))).First(u => FlowInputs.References(u.Value).Any(r => r.Input == input));
            problems.Add(new DefinitionProblem($"inputs.{input}", $"required: steps.{user.Step}.inputs.{user.Key} uses {{{input}}}, and the kickoff gave no input '{input}'"));
        }

        return problems;
    }

    /// <summary>Validates the inputs against the flow, stores the run's request and starts it. Nothing starts when anything is wrong.</summary>
    /// <returns>The run id.</returns>
    /// <exception cref="CrewDefinitionException">The inputs or the run id are invalid; every problem is listed.</exception>
    /// <exception cref="RunConflictException">The run id is taken.</exception>
    public async Task<string> KickoffAsync(FlowDefinition flow, KickoffRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(request);
        var problems = Validate(flow, request);
        if (problems.Count > 0)
        {
            throw new CrewDefinitionException(problems);
        }

        string runId = request.RunId ?? CrewRunService.NewRunId(flow.Name, time.GetUtcNow());
        using var starting = runs.Starting.Begin(runId);
        try
        {
            await runs.SaveFlowAsync(new FlowRunRecord { RunId = runId, Flow = flow, Inputs = request.Inputs, CreatedAt = time.GetUtcNow(), TakesSnapshots = true }, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobConditionFailedException ex)
        {
            throw new RunConflictException($"A run with id '{runId}' exists already.", ex);
        }

        await ScheduleAsync(client, runId, startVersion, cancellationToken).ConfigureAwait(false);
        return runId;
    }

    /// <summary>
    /// Starts a new run of an ended flow run's flow and inputs from run <paramref name="iteration"/> (the first by
    /// default) of <paramref name="fromStep"/>: on the state and with the results of the steps that had finished right
    /// before that run began (its snapshot), which are not run again; the flow then goes on from that step as it would.
    /// A flow of crews with <c>depends_on</c> only keeps the results of every step that completed and does not depend
    /// on <paramref name="fromStep"/>. What the new run keeps is copied into it before it starts, so the run replayed
    /// may be deleted as soon as this returns.
    /// </summary>
    /// <returns>The new run id; null when there is no such run.</returns>
    /// <exception cref="CrewDefinitionException">The run is a crew run, the step is not one of the flow's, or the new run id is invalid.</exception>
    /// <exception cref="RunConflictException">
    /// The run is still running, keeps no snapshot of that step run (it never began, or the run was recorded before
    /// snapshots were), a crew run it would keep has no stored result, or the new run id is taken.
    /// </exception>
    public async Task<string?> ReplayAsync(string runId, string fromStep, int iteration = 1, string? newRunId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fromStep);
        if (!DefinitionNames.IsValidRunReference(runId) || await runs.GetFlowAsync(runId, cancellationToken).ConfigureAwait(false) is not { } flow)
        {
            return DefinitionNames.IsValidRunReference(runId) && await runs.GetRunAsync(runId, cancellationToken).ConfigureAwait(false) is not null
                ? throw new CrewDefinitionException([new DefinitionProblem("from_step", $"run '{runId}' is a crew run, not a flow run; replay it with from_task")])
                : null;
        }

        var problems = new List<DefinitionProblem>();
        if (!flow.Flow.Steps.Any(s => s.Name == fromStep))
        {
            problems.Add(new DefinitionProblem("from_step", $"flow '{flow.Flow.Name}' has no step named '{fromStep}'; its steps: {string.Join(", ", flow.Flow.Steps.Select(s => s.Name))}"));
        }

        if (newRunId is not null && !DefinitionNames.IsValidRunId(newRunId))
        {
            problems.Add(new DefinitionProblem("run_id", $"'{newRunId}' {DefinitionNames.Rule(DefinitionNames.MaxRunIdLength)}"));
        }

        if (problems.Count > 0)
        {
            throw new CrewDefinitionException(problems);
        }

        await RefuseRunningAsync(flow.RunId, cancellationToken).ConfigureAwait(false);
        bool graph = flow.Flow.UsesGraph();
        var (start, kept) = graph
            ? await GraphStartAsync(flow, fromStep, iteration, cancellationToken).ConfigureAwait(false)
            : await LinearStartAsync(flow, fromStep, iteration, cancellationToken).ConfigureAwait(false);
        string replayId = newRunId ?? CrewRunService.NewRunId(flow.Flow.Name, time.GetUtcNow());
        var copy = await FlowReplayCopy.ReadAsync(runs, flow.RunId, replayId, start, kept, withSnapshots: graph, cancellationToken).ConfigureAwait(false);
        using var starting = runs.Starting.Begin(replayId);
        try
        {
            await runs.SaveFlowAsync(flow with { RunId = replayId, CreatedAt = time.GetUtcNow(), TakesSnapshots = true, ReplayFrom = copy.Map(start) }, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobConditionFailedException ex)
        {
            throw new RunConflictException($"A run with id '{replayId}' exists already.", ex);
        }

        await copy.WriteAsync(cancellationToken).ConfigureAwait(false);
        if (graph)
        {
            // The step runs finished before the snapshot, so that the replay's result lists them as the run replayed did.
            await runs.SaveFlowStateAsync(
                new FlowStateRecord { RunId = replayId, State = start.State, Iterations = start.Iterations, Steps = copy.Map(start).Steps, History = kept.Select(copy.Map).ToList(), UpdatedAt = time.GetUtcNow() },
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await ScheduleAsync(client, replayId, startVersion, cancellationToken).ConfigureAwait(false);
        return replayId;
    }

    /// <summary>Whether <paramref name="runId"/> is a flow run.</summary>
    public async Task<bool> IsFlowRunAsync(string runId, CancellationToken cancellationToken = default) =>
        await runs.GetFlowAsync(runId, cancellationToken).ConfigureAwait(false) is not null;

    /// <summary>Refuses a replay of run <paramref name="runId"/> while it runs: what it keeps is not final yet.</summary>
    /// <exception cref="RunConflictException">The run is still running.</exception>
    async Task RefuseRunningAsync(string runId, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(runId, cancellationToken).ConfigureAwait(false);
        if (instance is not null && RunViews.StatusOf(instance) is CrewRunStatus.Pending or CrewRunStatus.Running)
        {
            throw new RunConflictException($"Run '{runId}' is still running; replay it once it has ended (or terminate it first).");
        }
    }

    /// <summary>
    /// Where a replay of a CrewAI-style flow run from run <paramref name="iteration"/> of <paramref name="step"/>
    /// starts: the snapshot taken before it, and the step runs that had finished then, in the order they finished.
    /// </summary>
    /// <exception cref="RunConflictException">The run keeps no such snapshot.</exception>
    async Task<(FlowStepOrder Start, IReadOnlyList<FlowStepRecord> Kept)> GraphStartAsync(FlowRunRecord flow, string step, int iteration, CancellationToken cancellationToken)
    {
        var snapshot = await SnapshotAsync(flow, step, iteration, cancellationToken).ConfigureAwait(false);
        var history = (await runs.GetFlowStateAsync(flow.RunId, cancellationToken).ConfigureAwait(false))?.History ?? [];
        return (snapshot, FlowGraphResume.Before(snapshot, history));
    }

    /// <summary>The snapshot a replay of <paramref name="flow"/> from run <paramref name="iteration"/> of <paramref name="step"/> starts from.</summary>
    /// <exception cref="RunConflictException">The run keeps no such snapshot.</exception>
    async Task<FlowStepOrder> SnapshotAsync(FlowRunRecord flow, string step, int iteration, CancellationToken cancellationToken)
    {
        if (await runs.GetFlowSnapshotAsync(flow.RunId, step, iteration, cancellationToken).ConfigureAwait(false) is { } snapshot)
        {
            return snapshot;
        }

        if (!flow.TakesSnapshots)
        {
            throw new RunConflictException($"Run '{flow.RunId}' was recorded before flow runs kept a snapshot before each step, so it cannot be replayed from a step; kick the flow off again.");
        }

        var ran = (await runs.GetFlowStateAsync(flow.RunId, cancellationToken).ConfigureAwait(false))?.Iterations ?? new Dictionary<string, int>();
        throw NeverRan(flow.RunId, step, iteration, ran);
    }

    /// <summary>
    /// Where a replay of a flow of crews with <c>depends_on</c> only from <paramref name="step"/> starts: that step and
    /// every step depending on it, directly or not, run again; every other step that completed keeps its result.
    /// Such a flow runs each step once, so there is no later run of a step to replay from.
    /// </summary>
    /// <exception cref="RunConflictException">The step never ran, or <paramref name="iteration"/> is not 1.</exception>
    async Task<(FlowStepOrder Start, IReadOnlyList<FlowStepRecord> Kept)> LinearStartAsync(FlowRunRecord flow, string step, int iteration, CancellationToken cancellationToken)
    {
        var steps = flow.Flow.Steps;
        var ran = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var each in steps)
        {
            if (await runs.GetRunAsync(flow.StepRunId(each.Name), cancellationToken).ConfigureAwait(false) is not null)
            {
                ran[each.Name] = 1;
            }
        }

        if (iteration > 1 || !ran.ContainsKey(step))
        {
            throw NeverRan(flow.RunId, step, iteration, ran);
        }

        var again = new HashSet<string>([step], StringComparer.Ordinal);
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (var each in steps.Where(s => !again.Contains(s.Name) && s.DependsOn.Any(again.Contains)))
            {
                grew |= again.Add(each.Name);
            }
        }

        var kept = new List<FlowStepRecord>();
        foreach (var each in steps.Where(s => !again.Contains(s.Name) && ran.ContainsKey(s.Name)))
        {
            if (await runs.GetResultAsync(flow.StepRunId(each.Name), cancellationToken).ConfigureAwait(false) is { Status: CrewRunStatus.Completed })
            {
                kept.Add(new FlowStepRecord { Step = each.Name, RunIds = [flow.StepRunId(each.Name)] });
            }
        }

        var start = new FlowStepOrder
        {
            RunId = flow.RunId,
            Step = step,
            State = [],
            Steps = kept.ToDictionary(k => k.Step, StringComparer.Ordinal),
            Iterations = kept.ToDictionary(k => k.Step, _ => 1, StringComparer.Ordinal),
        };
        return (start, kept);
    }

    /// <summary>The refusal of a replay from a run of a step that never began; <paramref name="ran"/> says how many times each step did.</summary>
    static RunConflictException NeverRan(string runId, string step, int iteration, IReadOnlyDictionary<string, int> ran)
    {
        string which = iteration == 1 ? $"Step '{step}' never ran in run '{runId}'" : $"Step '{step}' never began its run {iteration} in run '{runId}'";
        string steps = ran.Count == 0 ? "no step finished" : "the steps that ran: " + string.Join(", ", ran.Select(r => r.Value == 1 ? r.Key : $"{r.Key} ({r.Value} times)"));
        return new RunConflictException($"{which} ({steps}), so there is nothing to replay it from.");
    }

    /// <summary>Starts the orchestration of a flow run whose request is stored, on <paramref name="version"/>.</summary>
    internal static Task ScheduleAsync(DurableTaskClient client, string runId, string version, CancellationToken cancellationToken) =>
        client.ScheduleNewOrchestrationInstanceAsync(
            nameof(FlowOrchestrator), new CrewRunInput(runId), new StartOrchestrationOptions(runId) { Version = version }, cancellationToken);
}
