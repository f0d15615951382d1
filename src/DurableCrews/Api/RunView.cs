using DurableCrews.Orchestration.Crews;
using DurableCrews.Orchestration.Flows;
using DurableCrews.Runs;

namespace DurableCrews.Api;

/// <summary>A run as the API shows it: status, progress, and the output once it has ended.</summary>
public sealed record RunView
{
    /// <summary>The run id.</summary>
    public required string RunId { get; init; }

    /// <summary>The crew's name, when known.</summary>
    public string? Crew { get; init; }

    /// <summary>Where the run is.</summary>
    public required CrewRunStatus Status { get; init; }

    /// <summary>Progress while the run works (and its last progress after).</summary>
    public CrewProgress? Progress { get; init; }

    /// <summary>Why the run failed, when it did.</summary>
    public string? Error { get; init; }

    /// <summary>The output, once the run has ended.</summary>
    public CrewOutput? Output { get; init; }

    /// <summary>
    /// For a CrewAI-style flow, its <c>state.json</c> as last written: the state, each step's last run, how many
    /// times each step has started, and every finished step run in order; null for crews and plain flows.
    /// </summary>
    public FlowStateRecord? Flow { get; init; }

    /// <summary>True for a run that was in flight when an engine without history stopped: it cannot resume. Null otherwise.</summary>
    public bool? Interrupted { get; init; }

    /// <summary>When the run was created.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>When the run last changed.</summary>
    public DateTimeOffset? LastUpdatedAt { get; init; }
}
