using DurableCrews.Runs;

namespace DurableCrews.Orchestration.Crews;

/// <summary>How a run's tasks ended, and the run's summary when its last task's turn completed the run.</summary>
/// <param name="Status">Completed, Failed or TimedOut.</param>
/// <param name="Finished">The tasks that finished; null when the run ended at its deadline.</param>
/// <param name="Error">Why the tasks did not complete.</param>
/// <param name="Completed">The completed run, when the last task's turn completed it.</param>
internal sealed record TasksOutcome(CrewRunStatus Status, IReadOnlyList<int>? Finished, string? Error, CrewRunSummary? Completed)
{
    /// <summary>The tasks stopped at a failure, of a task or of the planner.</summary>
    public static TasksOutcome Failed(IReadOnlyList<int> finished, string? failedTask, string reason) =>
        new(CrewRunStatus.Failed, finished, failedTask is null ? $"Planning failed: {reason}" : $"Task '{failedTask}' failed: {reason}", null);

    /// <summary>The crew ran past its <c>max_execution_time</c>.</summary>
    public static TasksOutcome TimedOut(int? maxExecutionTime) =>
        new(CrewRunStatus.TimedOut, null, $"The crew exceeded its max_execution_time of {maxExecutionTime} s; the tasks that finished are kept.", null);
}
