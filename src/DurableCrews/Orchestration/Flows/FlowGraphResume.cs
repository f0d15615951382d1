namespace DurableCrews.Orchestration.Flows;

/// <summary>
/// Where a replay of a CrewAI-style flow starts: right before one run of a step began in the run replayed (its
/// <see cref="FlowStepOrder"/>). The step runs that had finished then are not run again (their results were copied
/// into the replay as it started); that step, and any step running alongside it then, start the replay.
/// </summary>
public sealed record FlowGraphResume
{
    /// <summary>The step the replay is from.</summary>
    public required string Step { get; init; }

    /// <summary>The steps that start the replay: <see cref="Step"/> and those running when it began, in definition order.</summary>
    public IReadOnlyList<string> Ready { get; init; } = [];

    /// <summary>The last finished run of each step.</summary>
    public IReadOnlyDictionary<string, FlowStepRecord> Steps { get; init; } = new Dictionary<string, FlowStepRecord>();

    /// <summary>How many times each step had started, not counting the runs <see cref="Ready"/> starts again.</summary>
    public IReadOnlyDictionary<string, int> Iterations { get; init; } = new Dictionary<string, int>();

    /// <summary>For each step with <c>depends_on</c>, the names among them fired since it last started.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Heard { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The steps fired while they ran, which start again once they finish.</summary>
    public IReadOnlyList<string> Again { get; init; } = [];

    /// <summary>The step runs that had finished, in order, as the run's progress lists them (<c>step</c>, <c>step#n</c>).</summary>
    public IReadOnlyList<string> Finished { get; init; } = [];

    /// <summary>
    /// The resume point of <paramref name="snapshot"/>: the runs of <paramref name="history"/> (the run's, in the order
    /// they finished) that had finished before it are fired as the run fired them, from its start steps, so that the
    /// replay knows what ran, what was running, and what each step waiting on all of its <c>depends_on</c> has heard.
    /// </summary>
    public static FlowGraphResume Of(FlowStepOrder snapshot, IReadOnlyList<FlowStepRecord> history, IReadOnlyList<FlowGraphStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        history = Before(snapshot, history);
        var heard = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var started = steps.Where(s => s.Start).ToDictionary(s => s.Name, _ => 1, StringComparer.Ordinal);
        var done = new Dictionary<string, int>(StringComparer.Ordinal);
        var again = new HashSet<string>(StringComparer.Ordinal);
        bool Running(string step) => started.GetValueOrDefault(step) > done.GetValueOrDefault(step);
        foreach (var record in history)
        {
            done[record.Step] = done.GetValueOrDefault(record.Step) + 1;
            var ready = new List<string>();
            foreach (var step in record.Labels.Prepend(record.Step).SelectMany(name => FlowFiring.Started(steps, name, heard)))
            {
                if (Running(step.Name))
                {
                    again.Add(step.Name);
                }
                else if (!ready.Contains(step.Name))
                {
                    ready.Add(step.Name);
                }
            }

            if (again.Remove(record.Step))
            {
                ready.Add(record.Step);
            }

            foreach (string step in ready)
            {
                started[step] = started.GetValueOrDefault(step) + 1;
            }
        }

        var running = steps.Select(s => s.Name).Where(s => s == snapshot.Step || Running(s)).ToList();
        var iterations = new Dictionary<string, int>(started, StringComparer.Ordinal);
        foreach (string step in running)
        {
            iterations[step] = step == snapshot.Step ? snapshot.Iteration - 1 : iterations[step] - 1;
        }

        return new FlowGraphResume
        {
            Step = snapshot.Step,
            Ready = running,
            Steps = snapshot.Steps,
            Iterations = iterations,
            Heard = heard.Where(h => h.Value.Count > 0).ToDictionary(h => h.Key, h => (IReadOnlyList<string>)[.. h.Value.Order(StringComparer.Ordinal)], StringComparer.Ordinal),
            Again = [.. again.Order(StringComparer.Ordinal)],
            Finished = history.Select(Listed).ToList(),
        };
    }

    /// <summary>The runs of <paramref name="history"/> that had finished when <paramref name="snapshot"/> was taken, in the order they finished.</summary>
    public static IReadOnlyList<FlowStepRecord> Before(FlowStepOrder snapshot, IReadOnlyList<FlowStepRecord> history)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(history);
        return history.Where(r => snapshot.Steps.TryGetValue(r.Step, out var last) && r.Iteration <= last.Iteration).ToList();
    }

    /// <summary>A finished step run as the run's progress lists it: <c>step</c>, or <c>step#n</c> for its n-th run.</summary>
    internal static string Listed(FlowStepRecord record) => record.Iteration == 1 ? record.Step : $"{record.Step}#{record.Iteration}";
}
