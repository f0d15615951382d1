namespace DurableCrews.Definitions;

/// <summary>What loading a crew definition gave: the definition when there were no problems, else every problem.</summary>
public sealed record CrewLoadResult
{
    /// <summary>The crew, or null when <see cref="Problems"/> is not empty.</summary>
    public CrewDefinition? Definition { get; init; }

    /// <summary>Every error found; nothing may start while there is one.</summary>
    public IReadOnlyList<DefinitionProblem> Problems { get; init; } = [];

    /// <summary>Things that load but may not do what the author meant (fields DurableCrews reads but ignores).</summary>
    public IReadOnlyList<DefinitionProblem> Warnings { get; init; } = [];

    /// <summary>Whether the crew loaded without errors.</summary>
    public bool Succeeded => Definition is not null && Problems.Count == 0;

    /// <summary>The definition, or a <see cref="CrewDefinitionException"/> listing every problem.</summary>
    public CrewDefinition GetDefinitionOrThrow() =>
        Succeeded ? Definition! : throw new CrewDefinitionException(Problems);
}
