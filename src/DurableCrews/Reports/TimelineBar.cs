namespace DurableCrews.Reports;

/// <summary>One bar of a run's timeline: a task, or a delegation under it (indented by <see cref="Depth"/>); for a flow, a step's run and its items.</summary>
/// <param name="Label">What it was.</param>
/// <param name="Agent">Who did it.</param>
/// <param name="Kind"><c>task</c>, <c>delegation</c> or <c>tool</c>; for a flow, <c>step</c> or <c>item</c>.</param>
/// <param name="Depth">0 for a task, 1 for its delegations, 2 for theirs.</param>
/// <param name="StartSeconds">When it started, in seconds from the run's start.</param>
/// <param name="EndSeconds">When it ended, in seconds from the run's start.</param>
/// <param name="Item">For an item of a <c>for_each</c> task or step, its index (<c>task[k]</c>).</param>
/// <param name="Iteration">For a flow's step run (and its items), which run of the step it was, from 1.</param>
/// <param name="MaxIterations">For a flow's step run, the step's <c>max_iterations</c>.</param>
public sealed record TimelineBar(string Label, string Agent, string Kind, int Depth, double StartSeconds, double EndSeconds, int? Item = null, int? Iteration = null, int? MaxIterations = null);
