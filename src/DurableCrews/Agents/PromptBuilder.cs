using System.Globalization;
using System.Text;
using System.Text.Json;
using DurableCrews.Definitions;
using DurableCrews.Runs;
using Microsoft.Extensions.AI;

namespace DurableCrews.Agents;

/// <summary>Builds an agent's messages for a task, in CrewAI's wording: who the agent is, the task, the expected output, the context.</summary>
public static class PromptBuilder
{
    /// <summary>The system message: the agent's role, backstory and goal.</summary>
    public static ChatMessage System(AgentDefinition agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return new ChatMessage(ChatRole.System, $"{PromptSections.Role}{agent.Role}. {agent.Backstory}\n{PromptSections.Goal}{agent.Goal}");
    }

    /// <summary>
    /// The task message: description, expected output, JSON schema, the outputs of the context tasks, and recalled memories;
    /// it ends with CrewAI's "Begin! … use the tools available" only when <paramref name="offersTools"/> (tools or coworkers).
    /// The stable part (who the agent is) is the system message before it, so a provider's prompt cache covers it.
    /// </summary>
    public static ChatMessage Task(TaskDefinition task, IReadOnlyList<TaskOutput> context, IReadOnlyList<string>? memories = null, IReadOnlyList<string>? knowledge = null, bool offersTools = true)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(context);
        var text = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        text.Append(PromptSections.Task).Append(task.Description).Append("\n\n");
        text.Append(PromptSections.ExpectedOutput).Append(task.ExpectedOutput).Append('\n').Append(PromptSections.CompleteAnswer).Append("\n\n");
        if (task.OutputJson is { } schema)
        {
            text.Append(PromptSections.JsonSchema).Append('\n').Append(JsonSerializer.Serialize(schema)).Append("\n\n");
        }

        if (context.Count > 0)
        {
            text.Append(PromptSections.Context).Append('\n');
            foreach (var output in context)
            {
                text.Append(culture, $"{PromptSections.ContextEntry}{output.Name} ({output.Agent})\n{output.Raw.Trim()}\n\n");
            }
        }

        AppendList(text, PromptSections.Knowledge, knowledge);
        AppendList(text, PromptSections.Memory, memories);
        if (offersTools)
        {
            text.Append(PromptSections.Begin);
        }

        return new ChatMessage(ChatRole.User, text.ToString().TrimEnd());
    }

    static void AppendList(StringBuilder text, string heading, IReadOnlyList<string>? items)
    {
        if (items is { Count: > 0 })
        {
            text.Append(heading).Append('\n');
            foreach (string item in items)
            {
                text.Append("- ").Append(item).Append('\n');
            }

            text.Append('\n');
        }
    }

    /// <summary>The task message of a delegation: the work or question a coworker was handed, with the context it came with.</summary>
    public static ChatMessage Delegated(DelegationRecord delegation, IReadOnlyList<string>? memories = null, IReadOnlyList<string>? knowledge = null)
    {
        ArgumentNullException.ThrowIfNull(delegation);
        var text = new StringBuilder();
        text.Append(PromptSections.Task).Append(delegation.Task).Append("\n\n");
        text.Append(PromptSections.ExpectedOutput)
            .Append("Your best answer to your coworker asking you this, accounting for the context shared.")
            .Append('\n').Append(PromptSections.CompleteAnswer).Append("\n\n");
        if (!string.IsNullOrWhiteSpace(delegation.Context))
        {
            text.Append(PromptSections.Context).Append('\n').Append(delegation.Context.Trim()).Append("\n\n");
        }

        AppendList(text, PromptSections.Knowledge, knowledge);
        AppendList(text, PromptSections.Memory, memories);
        text.Append(PromptSections.Begin);
        return new ChatMessage(ChatRole.User, text.ToString());
    }
}
