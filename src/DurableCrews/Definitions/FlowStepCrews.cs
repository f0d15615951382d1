namespace DurableCrews.Definitions;

/// <summary>The crew a flow step runs: a named crew, or an agent step's agent as a one-task crew.</summary>
internal static class FlowStepCrews
{
    /// <summary>The input of an agent step's one-task crew that carries its prompt.</summary>
    public const string AgentPromptInput = "prompt";

    static readonly HashSet<string> AgentFields = ["role", "goal", "backstory", "llm", "crew", "name"];

    /// <summary>The crew a step names in its <c>crew</c> field: a bundled crew, or a path relative to the flow.</summary>
    public static CrewDefinition? Named(YamlFields step, string path, Func<string, CrewLoadResult?> crews, List<DefinitionProblem> problems)
    {
        if (step.String("crew", required: true) is not { } reference)
        {
            return null;
        }

        var loaded = crews(reference);
        if (loaded is null)
        {
            problems.Add(new DefinitionProblem($"{path}.crew", $"no crew named '{reference}' (a bundled crew's name, or a path relative to the flow)"));
        }
        else if (!loaded.Succeeded)
        {
            problems.AddRange(loaded.Problems.Select(p => p with { Path = $"{path}.crew({reference}).{p.Path}" }));
        }

        return loaded?.Succeeded == true ? loaded.Definition : null;
    }

    /// <summary>
    /// An agent step as a one-task crew (CrewAI's <c>Agent.kickoff</c>): the agent written inline (role, goal,
    /// backstory, llm) or one of a crew's (<c>crew</c> + <c>name</c>), its task the step's prompt.
    /// </summary>
    public static CrewDefinition? ForAgent(YamlFields step, string name, string path, Func<string, CrewLoadResult?> crews, List<DefinitionProblem> problems)
    {
        if (step.Mapping("agent") is not { } fields)
        {
            return null;
        }

        fields.CheckKnown(AgentFields, FlowStepReader.NoFields);
        AgentDefinition? agent;
        if (fields.Has("crew"))
        {
            var crew = Named(fields, $"{path}.agent", crews, problems);
            string? agentName = fields.String("name", required: true);
            agent = crew is null || agentName is null ? null : crew.FindAgent(agentName);
            if (crew is not null && agentName is not null && agent is null)
            {
                fields.Problem("name", $"crew '{crew.Name}' has no agent named '{agentName}'");
            }

            agent = agent is null ? null : agent with { Llm = agent.Llm ?? crew!.Llm };
        }
        else
        {
            string? role = fields.String("role", required: true);
            string? goal = fields.String("goal", required: true);
            string? backstory = fields.String("backstory", required: true);
            agent = role is null || goal is null || backstory is null ? null
                : new AgentDefinition { Name = "agent", Role = role, Goal = goal, Backstory = backstory, Llm = fields.String("llm") };
        }

        var task = new TaskDefinition
        {
            Name = name,
            Description = $"{{{AgentPromptInput}}}",
            ExpectedOutput = step.String("expected_output") ?? "A direct and complete answer to the request.",
            Agent = agent?.Name,
            OutputJson = step.Json("output_json"),
        };
        return agent is null ? null : new CrewDefinition { Name = name, Agents = [agent], Tasks = [task] };
    }
}
