using DurableCrews.Runs;

namespace DurableCrews.Reports;

/// <summary>What a run did, for people: per task and per agent, its usage and cost, what it waited for, and a timeline.</summary>
public sealed record RunReport
{
    /// <summary>The run id.</summary>
    public required string RunId { get; init; }

    /// <summary>The crew (or flow).</summary>
    public required string Crew { get; init; }

    /// <summary>How the run ended.</summary>
    public required CrewRunStatus Status { get; init; }

    /// <summary>Why it failed, when it did.</summary>
    public string? Error { get; init; }

    /// <summary>When it started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>How long it took, in seconds.</summary>
    public double DurationSeconds { get; init; }

    /// <summary>One row per task.</summary>
    public IReadOnlyList<TaskReport> Tasks { get; init; } = [];

    /// <summary>One row per agent.</summary>
    public IReadOnlyList<AgentReport> Agents { get; init; } = [];

    /// <summary>Per tool: calls, failures, cache hits, time and bytes.</summary>
    public IReadOnlyList<ToolReport> Tools { get; init; } = [];

    /// <summary>Tokens and requests, cache hits and misses included.</summary>
    public TokenUsage TokenUsage { get; init; } = TokenUsage.Zero;

    /// <summary>The estimated cost; null when a model used has no price.</summary>
    public decimal? Cost { get; init; }

    /// <summary>Characters of final output per second of run.</summary>
    public double CharsPerSecond { get; init; }

    /// <summary>What went wrong in tasks that still finished, each as <c>task: warning</c>.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The tasks and their delegations over time, for the Gantt chart.</summary>
    public IReadOnlyList<TimelineBar> Timeline { get; init; } = [];

    /// <summary>For a CrewAI-style flow, each run of its steps in order (a loop's iterations apart); empty for a crew.</summary>
    public IReadOnlyList<FlowStepReport> Steps { get; init; } = [];
}
