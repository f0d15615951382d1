namespace DurableCrews.Reports;

/// <summary>One bar of a run's timeline: a task, or a delegation under it (indented by <see cref="Depth"/>).</summary>
/// <param name="Label">What it was.</param>
/// <param name="Agent">Who did it.</param>
/// <param name="Kind"><c>task</c> or <c>delegation</c>.</param>
/// <param name="Depth">0 for a task, 1 for its delegations, 2 for theirs.</param>
/// <param name="StartSeconds">When it started, in seconds from the run's start.</param>
/// <param name="EndSeconds">When it ended, in seconds from the run's start.</param>
public sealed record TimelineBar(string Label, string Agent, string Kind, int Depth, double StartSeconds, double EndSeconds);
