using DurableCrews.Definitions;
using DurableCrews.Orchestration;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Orchestration.Flows;
using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

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
    public FlowRunService(DurableTaskClient client, RunStore runs, TimeProvider time, Microsoft.Extensions.Options.IOptions<VersioningOptions> versioning)
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
            await runs.SaveFlowAsync(new FlowRunRecord { RunId = runId, Flow = flow, Inputs = request.Inputs, CreatedAt = time.GetUtcNow() }, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobConditionFailedException ex)
        {
            throw new RunConflictException($"A run with id '{runId}' exists already.", ex);
        }

        await ScheduleAsync(client, runId, startVersion, cancellationToken).ConfigureAwait(false);
        return runId;
    }

    /// <summary>Starts the orchestration of a flow run whose request is stored, on <paramref name="version"/>.</summary>
    internal static Task ScheduleAsync(DurableTaskClient client, string runId, string version, CancellationToken cancellationToken) =>
        client.ScheduleNewOrchestrationInstanceAsync(
            nameof(FlowOrchestrator), new CrewRunInput(runId), new StartOrchestrationOptions(runId) { Version = version }, cancellationToken);
}
