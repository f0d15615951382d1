namespace DurableCrews.Definitions;

/// <summary>One crew run inside a flow.</summary>
public sealed record FlowStep
{
    /// <summary>The step's name; its run id is <c>{flowRunId}.{name}</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The crew, as loaded when the flow was read.</summary>
    public required CrewDefinition Crew { get; init; }

    /// <summary>
    /// The crew's kickoff inputs, each a template: <c>{name}</c> is a flow input, <c>{steps.STEP.output}</c> a
    /// step's final output, <c>{steps.STEP.tasks.TASK}</c> one of its tasks' outputs.
    /// </summary>
    public IReadOnlyDictionary<string, string> Inputs { get; init; } = new Dictionary<string, string>();

    /// <summary>The steps that must finish first: by default the step before it; an empty list starts it at once.</summary>
    public required IReadOnlyList<string> DependsOn { get; init; }
}
