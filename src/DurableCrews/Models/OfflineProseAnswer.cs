using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using DurableCrews.Agents;
using static DurableCrews.Models.OfflineText;

namespace DurableCrews.Models;

/// <summary>The offline model's written answers: a Markdown report, a manager's plan, or a placeholder Python program.</summary>
internal static partial class OfflineProseAnswer
{
    public static string Markdown(PromptReading prompt)
    {
        var md = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        md.Append(OfflineChatClient.Marker).Append("\n\n");
        md.Append(culture, $"## {Heading(prompt)}\n\n");
        md.Append(culture, $"As {Article(prompt.Role)} {prompt.Role}, I worked on: {FirstSentence(prompt.Task)}\n\n");

        var points = Requirements(prompt.Task);
        md.Append("### Key points\n\n");
        int n = 1;
        foreach (string point in points)
        {
            md.Append(culture, $"{n++}. **{Capitalize(point)}** — {Elaboration(point, prompt)}\n");
        }

        md.Append('\n');
        if (prompt.ContextEntries.Count > 0)
        {
            md.Append("### Building on earlier work\n\n");
            foreach (var (task, author, gist) in prompt.ContextEntries)
            {
                md.Append(culture, $"- From **{task}** ({author}): {gist}\n");
            }

            md.Append('\n');
        }

        md.Append("### Summary\n\n");
        md.Append(culture, $"This answer covers {points.Count} point(s) toward \"{Trim(prompt.ExpectedOutput, 140)}\"");
        md.Append(prompt.ContextEntries.Count > 0 ? $", building on {prompt.ContextEntries.Count} earlier result(s).\n" : ".\n");
        return md.ToString();
    }

    public static string Plan(string prompt)
    {
        var plan = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        plan.Append(OfflineChatClient.Marker).Append("\n\n");
        foreach (var (name, agent, description) in PlanningPrompt.TasksIn(prompt))
        {
            plan.Append(PlanningPrompt.TaskHeading).Append(name).Append('\n');
            int step = 1;
            foreach (string point in Requirements(description).Take(5))
            {
                plan.Append(culture, $"{step++}. {agent}: {Capitalize(point)}.\n");
            }

            plan.Append(culture, $"{step}. {agent}: check the result against the expected output before answering.\n\n");
        }

        return plan.ToString();
    }

    public static string Python(PromptReading prompt)
    {
        var code = new StringBuilder();
        code.Append("# Offline model output: deterministic, derived from the prompt; no LLM was called.\n");
        code.Append(CultureInfo.InvariantCulture, $"# Task: {Trim(FirstSentence(prompt.Task), 100)}\n\n\n");
        code.Append("def main() -> None:\n");
        foreach (string point in Requirements(prompt.Task).Take(5))
        {
            code.Append(CultureInfo.InvariantCulture, $"    # {Trim(point, 90)}\n");
        }

        code.Append("    print(\"offline placeholder program\")\n\n\nif __name__ == \"__main__\":\n    main()\n");
        return code.ToString();
    }

    static string Heading(PromptReading prompt)
    {
        string source = prompt.ExpectedOutput.Length > 0 ? prompt.ExpectedOutput : prompt.Task;
        string heading = FirstSentence(source).TrimEnd('.', ':');
        heading = LeadingArticle().Replace(heading, string.Empty);
        return Capitalize(Trim(heading, 80));
    }

    static string Elaboration(string point, PromptReading prompt)
    {
        string[] moves =
        [
            "assessed against the goal \"{0}\", with the main trade-offs noted",
            "broken down into concrete steps with owners and a checkpoint, in line with \"{0}\"",
            "covered with a recommendation and the evidence that supports it, toward \"{0}\"",
            "checked for risks and gaps, each paired with a mitigation, serving \"{0}\"",
        ];
        string goal = Trim(prompt.Goal.Length > 0 ? prompt.Goal : prompt.ExpectedOutput, 70);
        return string.Format(CultureInfo.InvariantCulture, moves[Math.Abs(Seed(point)) % moves.Length], goal);
    }

    [GeneratedRegex(@"^(?:a|an|the)\s+", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingArticle();
}
