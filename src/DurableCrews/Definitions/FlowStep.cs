namespace DurableCrews.Definitions;

/// <summary>
/// One step of a flow: a crew run, one agent answering one prompt, or a person choosing an outcome; when it runs
/// (<see cref="Start"/>, <see cref="Listen"/>, <see cref="DependsOn"/>) and what it does to the flow's state and
/// route afterwards (<see cref="Set"/>, <see cref="Router"/>).
/// </summary>
public sealed record FlowStep
{
    /// <summary>The step's name; its first run id is <c>{flowRunId}.{name}</c>.</summary>
    public required string Name { get; init; }

    /// <summary>What the step does.</summary>
    public FlowStepKind Kind { get; init; } = FlowStepKind.Crew;

    /// <summary>
    /// The crew, as loaded when the flow was read: the named crew, or for an <see cref="FlowStepKind.Agent"/> step a
    /// one-task crew of that agent answering the prompt. Null for a <see cref="FlowStepKind.HumanFeedback"/> step.
    /// </summary>
    public CrewDefinition? Crew { get; init; }

    /// <summary>
    /// The crew's kickoff inputs, each a template: <c>{name}</c> is a flow input, <c>{steps.STEP.output}</c> a
    /// step's final output, <c>{steps.STEP.tasks.TASK}</c> one of its tasks' outputs; in a flow with state or
    /// routing also <c>{state.FIELD}</c>, <c>{steps.STEP.json.FIELD}</c> and the item of <see cref="ForEach"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> Inputs { get; init; } = new Dictionary<string, string>();

    /// <summary>The steps that must all finish first (CrewAI's <c>and_</c>): by default the step before it; an empty list starts it at once.</summary>
    public required IReadOnlyList<string> DependsOn { get; init; }

    /// <summary>Whether the step runs when the flow starts (CrewAI's <c>@start</c>).</summary>
    public bool Start { get; init; }

    /// <summary>Steps or labels any one of which starts this step again (CrewAI's <c>@listen</c> with <c>or_</c>).</summary>
    public IReadOnlyList<string> Listen { get; init; } = [];

    /// <summary>State fields set after the step, each an expression (applied before <see cref="Router"/>).</summary>
    public IReadOnlyDictionary<string, string> Set { get; init; } = new Dictionary<string, string>();

    /// <summary>The labels to emit after the step: the first route whose condition holds (CrewAI's <c>@router</c>).</summary>
    public IReadOnlyList<FlowRoute> Router { get; init; } = [];

    /// <summary>An expression giving a list; the step runs once per item, in parallel. Null for one run.</summary>
    public string? ForEach { get; init; }

    /// <summary>The name the current item has in the step's inputs (<c>{item}</c>, <c>{item.title}</c>).</summary>
    public string As { get; init; } = "item";

    /// <summary>The most items of <see cref="ForEach"/> running at once.</summary>
    public int MaxParallel { get; init; } = 8;

    /// <summary>The most times the step runs in one flow run; one more start fails the flow.</summary>
    public int MaxIterations { get; init; } = 10;

    /// <summary>What a person is asked, for a <see cref="FlowStepKind.HumanFeedback"/> step.</summary>
    public FlowHumanFeedback? HumanFeedback { get; init; }

    /// <summary>The labels this step can emit: its routes' labels and its human feedback outcomes.</summary>
    public IEnumerable<string> Emits() =>
        Router.Select(r => r.Emit).Concat(HumanFeedback?.Outcomes ?? []).Distinct(StringComparer.Ordinal);
}
