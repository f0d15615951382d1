using DurableCrews.Runs;

namespace DurableCrews.Orchestration.Flows;

/// <summary>
/// One run of a CrewAI-style flow's step, as its stored record and results show it: when it ran (a person's answer has
/// no stored times, so it spans the time between the step runs around it) and, for a <c>for_each</c> step, its items.
/// Read by the flow's trace and by its report.
/// </summary>
/// <param name="Record">The step run's record in the flow's history.</param>
/// <param name="ForEach">True when the step is a <c>for_each</c>: each of its crew runs is an item.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="Items">A <c>for_each</c> step's items whose results are stored, in item order; empty otherwise.</param>
public sealed record FlowStepRun(FlowStepRecord Record, bool ForEach, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, IReadOnlyList<FlowStepItem> Items)
{
    /// <summary>The runs of a flow's steps in the order they finished, from its history and its crew runs' results.</summary>
    /// <param name="history">The flow's step records, in order.</param>
    /// <param name="results">The stored results of its crew runs, by run id; a run missing here is left out.</param>
    /// <param name="forEachSteps">The steps that are <c>for_each</c>.</param>
    /// <param name="start">When the flow started.</param>
    public static IReadOnlyList<FlowStepRun> Walk(IReadOnlyList<FlowStepRecord> history, IReadOnlyDictionary<string, CrewOutput> results, ISet<string> forEachSteps, DateTimeOffset start)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(forEachSteps);
        var walked = new List<FlowStepRun>(history.Count);
        var previousEnd = start;
        foreach (var record in history)
        {
            var runs = record.RunIds.Select(r => results.GetValueOrDefault(r)).ToList();
            var started = runs.OfType<CrewOutput>().Select(r => r.StartedAt).DefaultIfEmpty(previousEnd).Min();
            var ended = runs.OfType<CrewOutput>().Select(r => r.FinishedAt).DefaultIfEmpty(started).Max();
            bool forEach = forEachSteps.Contains(record.Step);
            var items = forEach
                ? runs.Select((r, k) => r is null ? null : new FlowStepItem(k, record.RunIds[k], r)).OfType<FlowStepItem>().ToList()
                : [];
            walked.Add(new FlowStepRun(record, forEach, started, ended, items));
            previousEnd = ended;
        }

        return walked;
    }
}

/// <summary>One item of a <c>for_each</c> step's run: its crew run.</summary>
/// <param name="Index">Its index in the list, from 0 (<c>step[k]</c>).</param>
/// <param name="RunId">Its crew run.</param>
/// <param name="Result">That run's stored result.</param>
public sealed record FlowStepItem(int Index, string RunId, CrewOutput Result);
