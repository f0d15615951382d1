using System.Text.RegularExpressions;

namespace DurableCrews.Definitions;

/// <summary>
/// The rules for names that become parts of blob names and instance ids: crew, agent and task names,
/// and run ids. Checked before any of them is used.
/// </summary>
public static partial class DefinitionNames
{
    /// <summary>The longest crew, agent or task name.</summary>
    public const int MaxLength = 63;

    /// <summary>The longest run id.</summary>
    public const int MaxRunIdLength = 100;

    /// <summary>Whether <paramref name="name"/> may name a crew, agent or task.</summary>
    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxLength } && NamePattern().IsMatch(name);

    /// <summary>Whether <paramref name="runId"/> may name a run.</summary>
    public static bool IsValidRunId(string? runId) =>
        runId is { Length: > 0 and <= MaxRunIdLength } && NamePattern().IsMatch(runId);

    /// <summary>
    /// Whether <paramref name="runId"/> may name a stored run: a run id, or a flow step's run: <c>{flowRunId}.{step}</c>,
    /// a later iteration <c>{flowRunId}.{step}.{n}</c>, an item of a <c>for_each</c> <c>….i{k}</c>.
    /// A '.' never appears in a run id given at kickoff, so a flow's step runs cannot be mistaken for other runs.
    /// </summary>
    public static bool IsValidRunReference(string? runId) =>
        runId is { Length: > 0 and <= MaxRunIdLength + (3 * (MaxLength + 1)) } && runId.Split('.') is { Length: <= 4 } parts && parts.All(IsValidRunId);

    /// <summary>The message for a name that breaks the rules.</summary>
    public static string Rule(int maxLength = MaxLength) =>
        $"must be 1 to {maxLength} letters, digits, '-' or '_', starting with a letter or digit";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]*$")]
    private static partial Regex NamePattern();
}
