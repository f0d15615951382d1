using Microsoft.Extensions.AI;

namespace DurableCrews.Agents;

/// <summary>
/// How a task's text <c>guardrail</c> is checked: the model is asked whether the answer meets the rule and
/// replies <c>PASS</c> or <c>FAIL: reason</c>. A reply that is neither counts as a failure that says so.
/// </summary>
public static class GuardrailPrompt
{
    /// <summary>The system message of a guardrail check; the offline model recognizes it.</summary>
    public const string System = "You check whether an answer meets a rule. Reply with exactly PASS if it does, or FAIL: followed by the reason if it does not.";

    /// <summary>Starts the rule in the check's user message.</summary>
    public const string Rule = "Rule: ";

    /// <summary>Starts the answer in the check's user message.</summary>
    public const string Answer = "Answer:\n";

    /// <summary>The messages that ask the model to check <paramref name="answer"/> against <paramref name="guardrail"/>.</summary>
    public static IList<ChatMessage> Build(string guardrail, string answer) =>
    [
        new(ChatRole.System, System),
        new(ChatRole.User, $"{Rule}{guardrail}\n\n{Answer}{answer}"),
    ];

    /// <summary>Reads the model's verdict.</summary>
    public static (bool Passed, string Reason) Read(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        string text = reply.Trim();
        if (text.StartsWith("PASS", StringComparison.OrdinalIgnoreCase))
        {
            return (true, string.Empty);
        }

        if (text.StartsWith("FAIL", StringComparison.OrdinalIgnoreCase))
        {
            string reason = text[4..].TrimStart(':', ' ', '-').Trim();
            return (false, reason.Length == 0 ? "the answer does not meet the guardrail" : reason);
        }

        return (false, $"the guardrail check gave no verdict (expected PASS or FAIL: reason), it said: {(text.Length > 200 ? text[..200] : text)}");
    }

    /// <summary>Starts the instruction that asks an agent to revise its answer.</summary>
    public const string RevisionStart = "Your previous answer was:\n";

    /// <summary>Introduces the feedback in a revision request.</summary>
    public const string RevisionFeedback = "\n\nIt needs revision: ";

    /// <summary>The instruction that asks an agent to revise its answer.</summary>
    public static string Revision(string previousAnswer, string feedback) =>
        $"{RevisionStart}{previousAnswer}{RevisionFeedback}{feedback}\nGive the complete revised answer.";

    /// <summary>The feedback inside a revision request made by <see cref="Revision"/>.</summary>
    public static string FeedbackOf(string revision)
    {
        ArgumentNullException.ThrowIfNull(revision);
        int at = revision.LastIndexOf(RevisionFeedback, StringComparison.Ordinal);
        string rest = at < 0 ? revision : revision[(at + RevisionFeedback.Length)..];
        int end = rest.LastIndexOf("\nGive the complete revised answer.", StringComparison.Ordinal);
        return (end < 0 ? rest : rest[..end]).Trim();
    }
}
