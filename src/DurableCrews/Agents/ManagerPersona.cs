using DurableCrews.Definitions;

namespace DurableCrews.Agents;

/// <summary>The agent that runs a hierarchical crew's tasks: the crew's <c>manager_agent</c>, or CrewAI's default manager.</summary>
public static class ManagerPersona
{
    /// <summary>The default manager's role.</summary>
    public const string Role = "Crew Manager";

    /// <summary>The manager of <paramref name="crew"/>, with delegation on whatever its definition says.</summary>
    public static AgentDefinition For(CrewDefinition crew)
    {
        ArgumentNullException.ThrowIfNull(crew);
        if (crew.ManagerAgent is { } name && crew.FindAgent(name) is { } agent)
        {
            return agent with { AllowDelegation = true };
        }

        return new AgentDefinition
        {
            Name = "manager",
            Role = Role,
            Goal = "Manage the team to complete the task in the best way possible.",
            Backstory = "You are a seasoned manager with a knack for getting the best out of your team. You are known for your ability "
                + "to delegate work to the right people, and to ask the right questions to get the best out of your team. "
                + "Even though you don't perform tasks by yourself, you have a lot of experience in the field, which allows you to properly evaluate the work of your team members.",
            Llm = crew.ManagerLlm ?? crew.Llm,
            AllowDelegation = true,
        };
    }

    /// <summary>The coworkers of the agent doing <paramref name="task"/> of <paramref name="crew"/>: in a hierarchical crew every crew agent but the manager, whatever the task's <c>agent</c> says; otherwise the other agents, when the agent may delegate.</summary>
    public static IReadOnlyList<string> Coworkers(CrewDefinition crew, AgentDefinition agent)
    {
        ArgumentNullException.ThrowIfNull(crew);
        ArgumentNullException.ThrowIfNull(agent);
        return agent.AllowDelegation
            ? crew.Agents.Where(a => a.Name != agent.Name && a.Name != crew.ManagerAgent).Select(a => a.Role).ToList()
            : [];
    }
}
