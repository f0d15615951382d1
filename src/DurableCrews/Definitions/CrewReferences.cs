namespace DurableCrews.Definitions;

/// <summary>Checks what a crew's parts say of each other: task agents, task contexts (earlier tasks only), the manager.</summary>
internal static class CrewReferences
{
    public static void Check(CrewDefinition crew, YamlFields crewFields, List<YamlFields> taskFields, List<DefinitionProblem> problems)
    {
        var agentNames = crew.Agents.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
        string known = string.Join(", ", agentNames.Order());
        for (int i = 0; i < crew.Tasks.Count; i++)
        {
            var task = crew.Tasks[i];
            var fields = taskFields[i];
            if (task.Agent is { } agent && !agentNames.Contains(agent))
            {
                fields.Problem("agent", $"no agent named '{agent}'{NameSuggestions.Hint(agent, agentNames)}; agents: {known}");
            }

            if (task.Context is null)
            {
                continue;
            }

            for (int c = 0; c < task.Context.Count; c++)
            {
                string reference = task.Context[c];
                int index = crew.Tasks.ToList().FindIndex(t => t.Name == reference);
                string path = $"{fields.Child("context")}[{c}]";
                if (index < 0)
                {
                    problems.Add(new DefinitionProblem(path, $"no task named '{reference}'{NameSuggestions.Hint(reference, crew.Tasks.Select(t => t.Name))}", fields.LocationOf("context")));
                }
                else if (index >= i)
                {
                    problems.Add(new DefinitionProblem(path, $"'{reference}' does not run before '{task.Name}', so its output cannot be context here", fields.LocationOf("context")));
                }
            }
        }

        if (crew.ManagerAgent is { } manager)
        {
            if (crew.Process != CrewProcess.Hierarchical)
            {
                crewFields.Problem("manager_agent", "only a hierarchical crew has a manager; set 'process: hierarchical' or remove it");
            }
            else if (!agentNames.Contains(manager))
            {
                crewFields.Problem("manager_agent", $"no agent named '{manager}'{NameSuggestions.Hint(manager, agentNames)}; agents: {known}");
            }
            else if (crew.Agents.Count < 2)
            {
                crewFields.Problem("manager_agent", "the manager needs at least one other agent to delegate to");
            }
        }
    }
}
