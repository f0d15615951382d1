namespace DurableCrews.Definitions;

/// <summary>One thing wrong with a crew definition or its inputs, at a path such as <c>agents.researcher.goal</c>.</summary>
/// <param name="Path">Where the problem is, in the definition's own terms.</param>
/// <param name="Message">What is wrong and, where it helps, what to do.</param>
/// <param name="Location">The file and line, where known (<c>tasks.yaml:12</c>).</param>
public sealed record DefinitionProblem(string Path, string Message, string? Location = null)
{
    /// <inheritdoc />
    public override string ToString() =>
        Location is null ? $"{Path}: {Message}" : $"{Path}: {Message} ({Location})";
}
