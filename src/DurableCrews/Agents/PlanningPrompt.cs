using System.Text;
using DurableCrews.Definitions;
using Microsoft.Extensions.AI;

namespace DurableCrews.Agents;

/// <summary>
/// The planner turn of a crew with <c>planning: true</c>, as CrewAI runs it: before the tasks, a planner writes a
/// step-by-step plan for each task, and each task's description gets its plan appended. The planner answers with one
/// <c>## Task: name</c> section per task; the offline model recognizes the prompt and does the same.
/// </summary>
public static class PlanningPrompt
{
    /// <summary>The planner's role.</summary>
    public const string Role = "Task Execution Planner";

    /// <summary>Starts each task's section, in the prompt and in the answer.</summary>
    public const string TaskHeading = "## Task: ";

    /// <summary>Introduces a task's plan in its description.</summary>
    public const string PlanIntro = "Plan for this task (from the crew's planner):";

    /// <summary>The planner agent of <paramref name="crew"/>, on its <c>planning_llm</c>.</summary>
    public static AgentDefinition Planner(CrewDefinition crew)
    {
        ArgumentNullException.ThrowIfNull(crew);
        return new AgentDefinition
        {
            Name = "planner",
            Role = Role,
            Goal = "Your goal is to create an extremely detailed, step-by-step plan based on the tasks and tools available to each agent so that they can perform the tasks in an exemplary manner.",
            Backstory = "Planner agent for crew planning.",
            Llm = crew.PlanningLlm ?? crew.Llm,
        };
    }

    /// <summary>The planner's task message: every task with its agent, description and expected output.</summary>
    public static ChatMessage Build(CrewDefinition crew)
    {
        ArgumentNullException.ThrowIfNull(crew);
        var text = new StringBuilder();
        text.Append(PromptSections.Task).Append("Based on these tasks summary, create the most descriptive plan based on the tasks description, tools available, and agents' goals for them to execute their goals with perfection.\n\n");
        text.Append(PromptSections.ExpectedOutput).Append("Step by step plan on how the agents can execute their tasks, one section per task starting with '").Append(TaskHeading.Trim()).Append(" <task name>'.\n\n");
        text.Append(PromptSections.Context).Append('\n');
        foreach (var task in crew.Tasks)
        {
            var agent = crew.FindAgent(task.Agent ?? string.Empty);
            text.Append(TaskHeading).Append(task.Name).Append('\n');
            text.Append("Agent: ").Append(agent?.Role ?? "assigned by the manager").Append('\n');
            if (agent is not null)
            {
                text.Append("Agent goal: ").Append(agent.Goal).Append('\n');
            }

            text.Append("Description: ").Append(task.Description.Trim()).Append('\n');
            text.Append("Expected output: ").Append(task.ExpectedOutput.Trim()).Append("\n\n");
        }

        text.Append(PromptSections.Begin);
        return new ChatMessage(ChatRole.User, text.ToString());
    }

    /// <summary>The plan of each task, by task name, read from the planner's answer; a task without a section gets none.</summary>
    public static IReadOnlyDictionary<string, string> Read(string answer, IEnumerable<string> taskNames)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var names = taskNames.ToHashSet(StringComparer.Ordinal);
        var plans = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string section in answer.Split(TaskHeading.Trim()).Skip(1))
        {
            int end = section.IndexOf('\n', StringComparison.Ordinal);
            string name = (end < 0 ? section : section[..end]).Trim().Trim('*', '`', ':').Trim();
            string body = end < 0 ? string.Empty : section[(end + 1)..].Trim();
            if (names.Contains(name) && body.Length > 0)
            {
                plans[name] = body;
            }
        }

        return plans;
    }

    /// <summary>The tasks named in a planning prompt, with their descriptions, for the offline planner.</summary>
    public static IReadOnlyList<(string Name, string Agent, string Description)> TasksIn(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return prompt.Split(TaskHeading).Skip(1).Select(section =>
        {
            var lines = section.Split('\n');
            string Field(string label) => lines.FirstOrDefault(l => l.StartsWith(label, StringComparison.Ordinal))?[label.Length..].Trim() ?? string.Empty;
            return (lines[0].Trim(), Field("Agent: "), Field("Description: "));
        }).ToList();
    }
}
