using System.Text.Json;
using DurableCrews.Definitions;

namespace DurableCrews.Tests.Support;

/// <summary>Builds crews for tests: agents and tasks with sensible defaults, each detail changeable.</summary>
public sealed class CrewBuilder
{
    readonly List<AgentDefinition> agents = [];
    readonly List<TaskDefinition> tasks = [];
    string name = "test-crew";

    public CrewBuilder Named(string crewName)
    {
        name = crewName;
        return this;
    }

    public CrewBuilder Agent(string agentName, int maxRetryLimit = 0)
    {
        agents.Add(new AgentDefinition
        {
            Name = agentName,
            Role = $"{agentName} role",
            Goal = $"{agentName} goal",
            Backstory = $"{agentName} backstory",
            MaxRetryLimit = maxRetryLimit,
        });
        return this;
    }

    public CrewBuilder Task(string taskName, string agent, IReadOnlyList<string>? context = null, bool async = false, string? outputJson = null)
    {
        tasks.Add(new TaskDefinition
        {
            Name = taskName,
            Description = $"do {taskName}",
            ExpectedOutput = $"{taskName} result",
            Agent = agent,
            Context = context,
            AsyncExecution = async,
            OutputJson = outputJson is null ? null : JsonDocument.Parse(outputJson).RootElement.Clone(),
        });
        return this;
    }

    public CrewDefinition Build() => new() { Name = name, Agents = agents.ToList(), Tasks = tasks.ToList() };
}
