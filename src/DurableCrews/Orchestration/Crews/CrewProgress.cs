namespace DurableCrews.Orchestration.Crews;

/// <summary>The orchestration's custom status: where the run is, kept small (well under 16 KB).</summary>
public sealed record CrewProgress
{
    /// <summary>The most running or finished tasks listed (the counts stay exact), keeping the status well under 16 KB.</summary>
    public const int MaxListed = 50;

    /// <summary>The most delegations and tool calls listed under the inline tasks of the run's own status, all tasks together.</summary>
    public const int MaxListedCalls = 32;

    /// <summary>Tasks finished.</summary>
    public int TasksDone { get; init; }

    /// <summary>Tasks in the crew.</summary>
    public int TasksTotal { get; init; }

    /// <summary>The tasks running now, with their agents.</summary>
    public IReadOnlyList<RunningTask> Running { get; init; } = [];

    /// <summary>The finished tasks' names, in the order they finished (the last <see cref="MaxListed"/>).</summary>
    public IReadOnlyList<string> Finished { get; init; } = [];

    /// <summary>
    /// The <c>for_each</c> tasks running now, with how many of their items have finished; null when none runs. For a
    /// CrewAI-style flow, each <c>for_each</c> step's latest run (named after the step), kept once it has finished.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ItemProgress>? Items { get; init; }

    /// <summary>Tokens spent so far.</summary>
    public long Tokens { get; init; }

    /// <summary>For a CrewAI-style flow, how many times each step has started (the n of "iteration n of max_iterations"); null for a crew.</summary>
    public IReadOnlyDictionary<string, int>? Iterations { get; init; }

    /// <summary>For a CrewAI-style flow, each step's <c>max_iterations</c> (the m of "iteration n of m"); null for a crew.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, int>? MaxIterations { get; init; }

    /// <summary>When the tasks run in a child orchestration (a crew with <c>max_execution_time</c>), its instance id: the progress is its status.</summary>
    public string? WorkInstance { get; init; }
}
