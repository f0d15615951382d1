namespace DurableCrews.Orchestration.Flows;

/// <summary>Which steps of a CrewAI-style flow a step's name or label starts when it fires; shared by the run and by a replay that takes the run up where it stood.</summary>
internal static class FlowFiring
{
    /// <summary>
    /// The steps <paramref name="name"/> starts: those listening to it, and those whose every <c>depends_on</c> has now
    /// fired since they last started (what each has heard is kept in <paramref name="heard"/>, and cleared when it starts).
    /// </summary>
    public static List<FlowGraphStep> Started(IReadOnlyList<FlowGraphStep> steps, string name, Dictionary<string, HashSet<string>> heard)
    {
        var started = new List<FlowGraphStep>();
        foreach (var step in steps)
        {
            bool starts = step.Listen.Contains(name);
            if (step.DependsOn.Contains(name))
            {
                var got = heard.TryGetValue(step.Name, out var set) ? set : heard[step.Name] = new HashSet<string>(StringComparer.Ordinal);
                got.Add(name);
                if (step.DependsOn.All(got.Contains))
                {
                    got.Clear();
                    starts = true;
                }
            }

            if (starts)
            {
                started.Add(step);
            }
        }

        return started;
    }
}
