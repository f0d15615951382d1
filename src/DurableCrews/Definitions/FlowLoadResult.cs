namespace DurableCrews.Definitions;

/// <summary>A loaded flow, or every problem found in it.</summary>
public sealed record FlowLoadResult
{
    /// <summary>The flow, when it has no problems.</summary>
    public FlowDefinition? Definition { get; init; }

    /// <summary>Every problem, each with its path.</summary>
    public IReadOnlyList<DefinitionProblem> Problems { get; init; } = [];

    /// <summary>Whether the flow loaded.</summary>
    public bool Succeeded => Definition is not null && Problems.Count == 0;
}
