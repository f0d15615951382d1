namespace DurableCrews.Runs;

/// <summary>Where a run is.</summary>
public enum CrewRunStatus
{
    /// <summary>Accepted, not started yet.</summary>
    Pending,

    /// <summary>Working.</summary>
    Running,

    /// <summary>Every task finished.</summary>
    Completed,

    /// <summary>A task failed for good.</summary>
    Failed,

    /// <summary>The run outlasted its <c>max_execution_time</c>.</summary>
    TimedOut,

    /// <summary>Stopped on request.</summary>
    Terminated,
}
