using DurableCrews.Definitions;

namespace DurableCrews.Orchestration.Flows;

/// <summary>One step as the flow orchestrator schedules it in a CrewAI-style flow.</summary>
public sealed record FlowGraphStep
{
    /// <summary>The step's name.</summary>
    public required string Name { get; init; }

    /// <summary>What it does.</summary>
    public FlowStepKind Kind { get; init; }

    /// <summary>Its crew's name (the step's own for an agent step); null for human feedback.</summary>
    public string? Crew { get; init; }

    /// <summary>Whether it runs when the flow starts.</summary>
    public bool Start { get; init; }

    /// <summary>Steps or labels any one of which starts it.</summary>
    public IReadOnlyList<string> Listen { get; init; } = [];

    /// <summary>Steps all of which start it once each has finished (again) since it last started.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>The most times it runs.</summary>
    public int MaxIterations { get; init; } = 10;

    /// <summary>Whether it is a <c>for_each</c>: each of its crew runs is an item.</summary>
    public bool ForEach { get; init; }

    /// <summary>The most items of its <c>for_each</c> running at once.</summary>
    public int MaxParallel { get; init; } = 8;

    /// <summary>The outcomes a person may choose, for human feedback.</summary>
    public IReadOnlyList<string> Outcomes { get; init; } = [];

    /// <summary>How long a person has, in seconds; null for no limit of its own.</summary>
    public int? Timeout { get; init; }

    /// <summary>The outcome taken when <see cref="Timeout"/> passes; null fails the flow instead.</summary>
    public string? Default { get; init; }

    /// <summary>The step as scheduled.</summary>
    public static FlowGraphStep Of(FlowStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return new FlowGraphStep
        {
            Name = step.Name,
            Kind = step.Kind,
            Crew = step.Crew?.Name,
            Start = FlowGraphValidator.IsStart(step),
            Listen = step.Listen,
            DependsOn = step.DependsOn,
            MaxIterations = step.MaxIterations,
            ForEach = step.ForEach is not null,
            MaxParallel = step.MaxParallel,
            Outcomes = step.HumanFeedback?.Outcomes ?? [],
            Timeout = step.HumanFeedback?.Timeout,
            Default = step.HumanFeedback?.Default,
        };
    }
}
