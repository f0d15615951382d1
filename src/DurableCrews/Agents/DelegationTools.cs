using System.Text.Json;
using Microsoft.Extensions.AI;

namespace DurableCrews.Agents;

/// <summary>
/// The two tools that let an agent hand work to its coworkers, as CrewAI names them, and the reading of the
/// model's calls to them. A call that cannot be run (an unknown coworker, missing or non-string arguments) is
/// answered with a tool result that says what went wrong, never an exception.
/// </summary>
public static class DelegationTools
{
    /// <summary>Hands a task to a coworker, who does it and answers with the result.</summary>
    public const string DelegateWork = "delegate_work";

    /// <summary>Asks a coworker a question.</summary>
    public const string AskQuestion = "ask_question";

    /// <summary>Starts the list of coworkers and their goals in the <c>coworker</c> argument's description, one <c>- role: goal</c> line each.</summary>
    public const string CoworkerGoals = "The role of the coworker. The coworkers and their goals:";

    /// <summary>The tools offered to an agent whose coworkers are <paramref name="coworkers"/> (their roles), with their goals when known.</summary>
    public static IList<AITool> For(IReadOnlyList<string> coworkers, IReadOnlyDictionary<string, string>? goals = null)
    {
        ArgumentNullException.ThrowIfNull(coworkers);
        string names = string.Join(", ", coworkers.Select(c => $"'{c}'"));
        string coworkerHelp = CoworkerGoals + string.Concat(coworkers.Select(c => $"\n- {c}: {goals?.GetValueOrDefault(c) ?? string.Empty}"));
        return
        [
            AIFunctionFactory.CreateDeclaration(
                DelegateWork,
                $"Delegate a specific task to one of the following coworkers: {names}. The input must hold all the context the coworker needs: they know nothing about the task except what you send.",
                Schema("task", "The task to delegate.", coworkers, coworkerHelp)),
            AIFunctionFactory.CreateDeclaration(
                AskQuestion,
                $"Ask a specific question to one of the following coworkers: {names}. The input must hold all the context the coworker needs: they know nothing about the question except what you send.",
                Schema("question", "The question to ask.", coworkers, coworkerHelp)),
        ];
    }

    /// <summary>Reads one tool call against the coworkers' roles.</summary>
    /// <returns>The call to run, or the error to answer the agent with.</returns>
    public static (DelegationCall? Call, string? Error) Read(FunctionCallContent call, IReadOnlyList<string> coworkers)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(coworkers);
        string? kind = KindOf(call.Name);
        if (kind is null)
        {
            return (null, $"Error: there is no tool named '{call.Name}'. Use {DelegateWork} or {AskQuestion}.");
        }

        string textField = kind == DelegateWork ? "task" : "question";
        var problems = new List<string>();
        string? text = Argument(call, textField, problems);
        string? context = Argument(call, "context", problems);
        string? coworker = Argument(call, "coworker", problems);
        if (problems.Count > 0)
        {
            return (null, $"Error: {call.Name} was called with bad arguments: {string.Join("; ", problems)}. Call it again with three strings: {textField}, context and coworker.");
        }

        string? match = MatchCoworker(coworker!, coworkers);
        if (match is null)
        {
            return (null, $"Error: there is no coworker named '{coworker}'. Choose one of: {string.Join(", ", coworkers)}.");
        }

        return (new DelegationCall(call.CallId, kind, match, text!, context!), null);
    }

    /// <summary>The canonical tool name for a name the model used (CrewAI's "Delegate work to coworker" included); null when it is neither tool.</summary>
    public static string? KindOf(string name)
    {
        string plain = Normalize(name).Replace('_', ' ');
        return plain switch
        {
            "delegate work" or "delegate work to coworker" => DelegateWork,
            "ask question" or "ask question to coworker" => AskQuestion,
            _ => null,
        };
    }

    /// <summary>The coworker whose role matches <paramref name="name"/>, forgiving case, spacing and quotes.</summary>
    public static string? MatchCoworker(string name, IReadOnlyList<string> coworkers)
    {
        ArgumentNullException.ThrowIfNull(coworkers);
        string wanted = Normalize(name);
        return coworkers.FirstOrDefault(c => Normalize(c) == wanted);
    }

    static string Normalize(string text) =>
        string.Join(' ', text.Trim().Trim('"', '\'', '`', '“', '”', '‘', '’').Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    static string? Argument(FunctionCallContent call, string name, List<string> problems)
    {
        if (call.Arguments is null || !call.Arguments.TryGetValue(name, out object? value) || value is null)
        {
            problems.Add($"'{name}' is missing");
            return null;
        }

        string? text = value switch
        {
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
            _ => null,
        };
        if (text is null)
        {
            problems.Add($"'{name}' must be a string, not {Describe(value)}");
        }
        else if (name != "context" && string.IsNullOrWhiteSpace(text))
        {
            problems.Add($"'{name}' is empty");
        }

        return text;
    }

    static string Describe(object value) => value is JsonElement element ? $"a JSON {element.ValueKind.ToString().ToLowerInvariant()}" : $"a {value.GetType().Name}";

    static JsonElement Schema(string textField, string textDescription, IReadOnlyList<string> coworkers, string coworkerHelp) =>
        JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["type"] = "object",
            ["properties"] = new Dictionary<string, object>
            {
                [textField] = new { type = "string", description = textDescription },
                ["context"] = new { type = "string", description = "Everything the coworker needs to know to do it." },
                ["coworker"] = new { type = "string", description = coworkerHelp, @enum = coworkers },
            },
            ["required"] = new[] { textField, "context", "coworker" },
        });
}
