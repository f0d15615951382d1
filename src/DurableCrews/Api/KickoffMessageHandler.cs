using System.Text;
using System.Text.Json;
using DurableCrews.Definitions;
using DurableCrews.Telemetry;

namespace DurableCrews.Api;

/// <summary>
/// Starts runs from <c>crew-kickoffs</c> messages exactly as the HTTP kickoff does, for both hosts' queue listeners.
/// A message that can never succeed is answered <see cref="KickoffOutcomeKind.Poison"/> with every problem, so it is
/// not retried; a redelivered message whose run id exists starts nothing. Storage failures throw, to be retried.
/// </summary>
public sealed class KickoffMessageHandler
{
    readonly CrewRunService runs;
    readonly FlowRunService flows;
    readonly CrewLibrary crews;

    /// <summary>Creates the handler.</summary>
    public KickoffMessageHandler(CrewRunService runs, FlowRunService flows, CrewLibrary crews)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(flows);
        ArgumentNullException.ThrowIfNull(crews);
        this.runs = runs;
        this.flows = flows;
        this.crews = crews;
    }

    /// <summary>Handles one message (JSON, or base64 of JSON as the Functions queue trigger writes it).</summary>
    public async Task<KickoffOutcome> HandleAsync(string message, CancellationToken cancellationToken = default)
    {
        var outcome = await StartFromAsync(message, cancellationToken).ConfigureAwait(false);
        CrewTelemetry.QueueKickoff(outcome.Kind.ToString());
        return outcome;
    }

    async Task<KickoffOutcome> StartFromAsync(string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var document = JsonBody.Parse(Decode(message), "message", out var invalid);
        if (document is null)
        {
            return Poison([invalid!]);
        }

        var root = document.RootElement;
        var nameProblems = new List<DefinitionProblem>();
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("flow", out var flowField) && flowField.ValueKind == JsonValueKind.String && !root.TryGetProperty("crew", out _))
        {
            return JsonBody.Read(flowField.GetString, "message.flow", nameProblems) is { } flowName
                ? await StartFlowAsync(root, flowName, cancellationToken).ConfigureAwait(false)
                : Poison(nameProblems);
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("crew", out var crewField) || crewField.ValueKind != JsonValueKind.String)
        {
            return Poison([new DefinitionProblem("message.crew", "required: the name of the crew to run (or 'flow': the name of a flow)")]);
        }

        if (JsonBody.Read(crewField.GetString, "message.crew", nameProblems) is not { } name)
        {
            return Poison(nameProblems);
        }

        var (kickoff, problems) = KickoffBody.Read(root, "message");
        var loaded = await crews.LoadAsync(name, cancellationToken).ConfigureAwait(false);
        return await StartAsync(
            "crew",
            name,
            kickoff,
            problems,
            loaded?.Problems,
            loaded?.Definition is { } crew && kickoff is not null ? runs.Validate(crew, kickoff) : [],
            () => runs.KickoffAsync(loaded!.Definition!, kickoff!, cancellationToken),
            cancellationToken).ConfigureAwait(false);
    }

    Task<KickoffOutcome> StartFlowAsync(JsonElement root, string name, CancellationToken cancellationToken)
    {
        var (kickoff, problems) = KickoffBody.Read(root, "message");
        var loaded = crews.LoadFlow(name);
        return StartAsync(
            "flow",
            name,
            kickoff,
            problems,
            loaded?.Problems,
            loaded?.Definition is { } flow && kickoff is not null ? FlowRunService.Validate(flow, kickoff) : [],
            () => flows.KickoffAsync(loaded!.Definition!, kickoff!, cancellationToken),
            cancellationToken);
    }

    /// <summary>Poisons a message with problems, passes over a redelivered one, and otherwise starts its run.</summary>
    /// <param name="kind"><c>crew</c> or <c>flow</c>.</param>
    /// <param name="name">The crew's or flow's name.</param>
    /// <param name="kickoff">The message's kickoff fields.</param>
    /// <param name="messageProblems">What is wrong with the message's fields.</param>
    /// <param name="definitionProblems">What is wrong with the crew or flow; null when there is none of that name.</param>
    /// <param name="inputProblems">What is wrong with the inputs and run id for that crew or flow.</param>
    /// <param name="start">Starts the run.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    async Task<KickoffOutcome> StartAsync(
        string kind,
        string name,
        KickoffRequest? kickoff,
        IReadOnlyList<DefinitionProblem> messageProblems,
        IReadOnlyList<DefinitionProblem>? definitionProblems,
        IReadOnlyList<DefinitionProblem> inputProblems,
        Func<Task<string>> start,
        CancellationToken cancellationToken)
    {
        if (definitionProblems is null)
        {
            return Poison([.. messageProblems, new DefinitionProblem($"message.{kind}", $"there is no {kind} named '{name}'")]);
        }

        var all = new List<DefinitionProblem>(messageProblems);
        all.AddRange(definitionProblems.Select(p => p with { Path = $"{kind}({name}).{p.Path}" }));
        all.AddRange(inputProblems.Select(p => p with { Path = $"message.{p.Path}" }));
        if (all.Count > 0 || kickoff is null)
        {
            return Poison(all);
        }

        // A redelivered message whose run was stored and never scheduled (its first delivery stopped in between) starts
        // that run now: the message was accepted, so its run must not be lost.
        if (kickoff.RunId is { } runId && await runs.GetAsync(runId, cancellationToken).ConfigureAwait(false) is not null)
        {
            return new KickoffOutcome(await runs.StartStoredAsync(runId, cancellationToken).ConfigureAwait(false) ? KickoffOutcomeKind.Started : KickoffOutcomeKind.Duplicate, runId);
        }

        try
        {
            return new KickoffOutcome(KickoffOutcomeKind.Started, await start().ConfigureAwait(false));
        }
        catch (RunConflictException)
        {
            return new KickoffOutcome(KickoffOutcomeKind.Duplicate, kickoff.RunId);
        }
    }

    static KickoffOutcome Poison(IReadOnlyList<DefinitionProblem> problems) =>
        new(KickoffOutcomeKind.Poison, Reason: string.Join("; ", problems.Select(p => p.ToString())));

    /// <summary>The message's JSON: as sent, or decoded from base64.</summary>
    static string Decode(string message)
    {
        string trimmed = message.Trim();
        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            return trimmed;
        }

        var bytes = new byte[trimmed.Length];
        return Convert.TryFromBase64String(trimmed, bytes, out int written) ? Encoding.UTF8.GetString(bytes, 0, written) : trimmed;
    }
}
