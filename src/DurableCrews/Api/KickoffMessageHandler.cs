using System.Text;
using System.Text.Json;
using DurableCrews.Definitions;

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
        ArgumentNullException.ThrowIfNull(message);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(Decode(message));
        }
        catch (JsonException ex)
        {
            return Poison([new DefinitionProblem("message", $"is not valid JSON: {ex.Message}")]);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("flow", out var flowField) && flowField.ValueKind == JsonValueKind.String && !root.TryGetProperty("crew", out _))
            {
                return await StartFlowAsync(root, flowField.GetString()!, cancellationToken).ConfigureAwait(false);
            }

            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("crew", out var crewField) || crewField.ValueKind != JsonValueKind.String)
            {
                return Poison([new DefinitionProblem("message.crew", "required: the name of the crew to run (or 'flow': the name of a flow)")]);
            }

            string name = crewField.GetString()!;
            var (kickoff, problems) = KickoffBody.Read(root, "message");
            var loaded = await crews.LoadAsync(name, cancellationToken).ConfigureAwait(false);
            if (loaded is null)
            {
                return Poison([.. problems, new DefinitionProblem("message.crew", $"there is no crew named '{name}'")]);
            }

            var all = new List<DefinitionProblem>(problems);
            all.AddRange(loaded.Problems.Select(p => p with { Path = $"crew({name}).{p.Path}" }));
            if (loaded.Definition is { } crew && kickoff is not null)
            {
                all.AddRange(CrewRunService.Validate(crew, kickoff).Select(p => p with { Path = $"message.{p.Path}" }));
            }

            if (all.Count > 0)
            {
                return Poison(all);
            }

            if (kickoff!.RunId is { } runId && await runs.GetAsync(runId, cancellationToken).ConfigureAwait(false) is not null)
            {
                return new KickoffOutcome(KickoffOutcomeKind.Duplicate, runId);
            }

            try
            {
                return new KickoffOutcome(KickoffOutcomeKind.Started, await runs.KickoffAsync(loaded.Definition!, kickoff, cancellationToken).ConfigureAwait(false));
            }
            catch (RunConflictException)
            {
                return new KickoffOutcome(KickoffOutcomeKind.Duplicate, kickoff.RunId);
            }
        }
    }

    async Task<KickoffOutcome> StartFlowAsync(JsonElement root, string name, CancellationToken cancellationToken)
    {
        var (kickoff, problems) = KickoffBody.Read(root, "message");
        var loaded = crews.LoadFlow(name);
        if (loaded is null)
        {
            return Poison([.. problems, new DefinitionProblem("message.flow", $"there is no flow named '{name}'")]);
        }

        var all = new List<DefinitionProblem>(problems);
        all.AddRange(loaded.Problems.Select(p => p with { Path = $"flow({name}).{p.Path}" }));
        if (loaded.Definition is { } flow && kickoff is not null)
        {
            all.AddRange(FlowRunService.Validate(flow, kickoff).Select(p => p with { Path = $"message.{p.Path}" }));
        }

        if (all.Count > 0)
        {
            return Poison(all);
        }

        if (kickoff!.RunId is { } runId && await runs.GetAsync(runId, cancellationToken).ConfigureAwait(false) is not null)
        {
            return new KickoffOutcome(KickoffOutcomeKind.Duplicate, runId);
        }

        try
        {
            return new KickoffOutcome(KickoffOutcomeKind.Started, await flows.KickoffAsync(loaded.Definition!, kickoff, cancellationToken).ConfigureAwait(false));
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
