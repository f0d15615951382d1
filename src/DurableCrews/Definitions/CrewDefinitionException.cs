namespace DurableCrews.Definitions;

/// <summary>Thrown when a crew definition or its inputs have problems; carries every one of them.</summary>
public sealed class CrewDefinitionException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    public CrewDefinitionException(IReadOnlyList<DefinitionProblem> problems)
        : base(Describe(problems))
    {
        Problems = problems;
    }

    /// <summary>Every problem found, each with its path.</summary>
    public IReadOnlyList<DefinitionProblem> Problems { get; }

    static string Describe(IReadOnlyList<DefinitionProblem> problems) =>
        $"The crew definition has {problems.Count} problem(s):{Environment.NewLine}" +
        string.Join(Environment.NewLine, problems.Select(p => "  " + p));
}
