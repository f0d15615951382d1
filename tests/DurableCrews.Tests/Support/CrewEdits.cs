using DurableCrews.Definitions;
using Microsoft.Extensions.AI;

namespace DurableCrews.Tests.Support;

/// <summary>Small edits to a built crew, and the tool calls a scripted model makes.</summary>
public static class CrewEdits
{
    public static CrewDefinition WithAgent(this CrewDefinition crew, string name, Func<AgentDefinition, AgentDefinition> edit) =>
        crew with { Agents = crew.Agents.Select(a => a.Name == name ? edit(a) : a).ToList() };

    public static CrewDefinition WithTask(this CrewDefinition crew, string name, Func<TaskDefinition, TaskDefinition> edit) =>
        crew with { Tasks = crew.Tasks.Select(t => t.Name == name ? edit(t) : t).ToList() };

    public static ChatMessage Answer(string text) => new(ChatRole.Assistant, text);

    /// <summary>An assistant message calling a tool once per (tool, arguments) pair.</summary>
    public static ChatMessage Calls(params (string Tool, Dictionary<string, object?> Arguments)[] calls) =>
        new(ChatRole.Assistant, calls.Select((c, i) => (AIContent)new FunctionCallContent($"call_{i}_{Guid.NewGuid():N}", c.Tool, c.Arguments)).ToList());

    public static (string, Dictionary<string, object?>) Delegate(string coworker, string task, string context = "some context") =>
        ("delegate_work", new Dictionary<string, object?> { ["task"] = task, ["context"] = context, ["coworker"] = coworker });
}
