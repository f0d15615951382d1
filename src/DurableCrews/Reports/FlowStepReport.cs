namespace DurableCrews.Reports;

/// <summary>One run of a CrewAI-style flow's step in a run report: which iteration of its loop, and its items.</summary>
/// <param name="Step">The step.</param>
/// <param name="Iteration">Which run of the step this was, from 1.</param>
/// <param name="MaxIterations">The step's <c>max_iterations</c>.</param>
/// <param name="Items">For a <c>for_each</c> step, how many items it ran; null otherwise.</param>
/// <param name="Outcome">The outcome a person chose, for human feedback.</param>
/// <param name="StartSeconds">When it started, in seconds from the run's start.</param>
/// <param name="EndSeconds">When it ended, in seconds from the run's start.</param>
public sealed record FlowStepReport(string Step, int Iteration, int MaxIterations, int? Items, string? Outcome, double StartSeconds, double EndSeconds)
{
    /// <summary>"iteration n of m".</summary>
    public string IterationText => $"iteration {Iteration} of {MaxIterations}";
}
