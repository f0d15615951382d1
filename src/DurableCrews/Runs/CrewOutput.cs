using System.Text.Json;

namespace DurableCrews.Runs;

/// <summary>A run's result, stored as <c>crew-runs/{runId}/result.json</c> (and <c>result.md</c>).</summary>
public sealed record CrewOutput
{
    /// <summary>The run id (the orchestration instance id).</summary>
    public required string RunId { get; init; }

    /// <summary>The crew's name.</summary>
    public required string Crew { get; init; }

    /// <summary>How the run ended.</summary>
    public required CrewRunStatus Status { get; init; }

    /// <summary>Why the run did not complete, when it did not.</summary>
    public string? Error { get; init; }

    /// <summary>The final task's raw output.</summary>
    public string Raw { get; init; } = string.Empty;

    /// <summary>The final task's JSON output, when it has one.</summary>
    public JsonElement? Json { get; init; }

    /// <summary>CrewAI's name for <see cref="Json"/> (<c>crew_output.json_dict</c>); written, never read back.</summary>
    public JsonElement? JsonDict => Json;

    /// <summary>Every finished task's output, in crew order.</summary>
    public IReadOnlyList<TaskOutput> TasksOutput { get; init; } = [];

    /// <summary>Tokens spent by the whole run.</summary>
    public TokenUsage TokenUsage { get; init; } = TokenUsage.Zero;

    /// <summary>When the run started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When the run ended.</summary>
    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>Every task's warnings, each as <c>task: warning</c>; a run with warnings completed, but not as it should have.</summary>
    public IReadOnlyList<string> Warnings => TasksOutput.SelectMany(t => t.Warnings.Select(w => $"{t.Name}: {w}")).ToList();

    /// <summary>How long the run took, in seconds.</summary>
    public double DurationSeconds => Math.Round((FinishedAt - StartedAt).TotalSeconds, 3);
}
