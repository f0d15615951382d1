using System.Text.Json;

namespace DurableCrews.Definitions;

/// <summary>
/// A flow: several crews (and agents and people) run as one durable run. Written as YAML or JSON with a <c>steps</c>
/// mapping; with <c>state</c>, <c>start</c>, <c>listen</c>, <c>router</c>, <c>set</c> or <c>for_each</c> it is a
/// CrewAI-style flow with state, routing and loops (see <see cref="UsesGraph"/>).
/// </summary>
public sealed record FlowDefinition
{
    /// <summary>The most steps in a flow.</summary>
    public const int MaxSteps = 64;

    /// <summary>The most entries in one step's router.</summary>
    public const int MaxRoutes = 32;

    /// <summary>The largest state document, in bytes of JSON, initial or as the flow updates it.</summary>
    public const int MaxStateBytes = 16 * 1024;

    /// <summary>The flow's name.</summary>
    public required string Name { get; init; }

    /// <summary>The steps, in definition order.</summary>
    public required IReadOnlyList<FlowStep> Steps { get; init; }

    /// <summary>The longest the whole flow may take, in seconds; null for no limit.</summary>
    public int? MaxExecutionTime { get; init; }

    /// <summary>The state's initial values (a JSON object), before the kickoff inputs are merged in; null for none.</summary>
    public JsonElement? State { get; init; }

    /// <summary>
    /// Whether the flow uses state, routing, loops or step kinds beyond crews. A flow that does not runs exactly as
    /// flows did before these existed (the same orchestration history), so runs recorded then still replay.
    /// </summary>
    public bool UsesGraph() =>
        State is not null || Steps.Any(s => s.Kind != FlowStepKind.Crew || s.Start || s.Listen.Count > 0 || s.Set.Count > 0
            || s.Router.Count > 0 || s.ForEach is not null);
}
