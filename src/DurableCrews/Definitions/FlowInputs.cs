using System.Text.RegularExpressions;

namespace DurableCrews.Definitions;

/// <summary>
/// The templates of a flow step's inputs: <c>{name}</c> (a flow input), <c>{steps.STEP.output}</c> and
/// <c>{steps.STEP.tasks.TASK}</c> (what an earlier step produced). Other braces are left alone.
/// </summary>
public static partial class FlowInputs
{
    /// <summary>One reference in a template.</summary>
    /// <param name="Text">The reference as written, braces included.</param>
    /// <param name="Input">The flow input it names, if it names one.</param>
    /// <param name="Step">The step it names, if it names one.</param>
    /// <param name="Task">The task of that step, when it names a task rather than the step's output.</param>
    public sealed record Reference(string Text, string? Input, string? Step, string? Task);

    /// <summary>The references in a template.</summary>
    public static IReadOnlyList<Reference> References(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return Pattern().Matches(template).Select(m => m.Groups["step"].Success
            ? new Reference(m.Value, null, m.Groups["step"].Value, m.Groups["task"].Success ? m.Groups["task"].Value : null)
            : new Reference(m.Value, m.Groups["input"].Value, null, null)).ToList();
    }

    /// <summary>Fills a template from the flow's inputs and the steps' results.</summary>
    /// <param name="template">The template.</param>
    /// <param name="inputs">The flow's kickoff inputs.</param>
    /// <param name="resolve">Gives what a step (and optionally one of its tasks) produced.</param>
    public static string Fill(string template, IReadOnlyDictionary<string, string> inputs, Func<string, string?, string> resolve)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(resolve);
        return Pattern().Replace(template, m => m.Groups["step"].Success
            ? resolve(m.Groups["step"].Value, m.Groups["task"].Success ? m.Groups["task"].Value : null)
            : inputs.TryGetValue(m.Groups["input"].Value, out string? value) ? value : m.Value);
    }

    [GeneratedRegex(@"\{(?:steps\.(?<step>[A-Za-z0-9][A-Za-z0-9_-]*)\.(?:output|tasks\.(?<task>[A-Za-z0-9][A-Za-z0-9_-]*))|(?<input>[A-Za-z_][A-Za-z0-9_-]*))\}")]
    private static partial Regex Pattern();
}
