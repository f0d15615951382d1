using DurableCrews.Orchestration.Flows;
using DurableCrews.Runs;

namespace DurableCrews.Reports;

/// <summary>Builds a <see cref="RunReport"/> from a run's stored result.</summary>
public static class RunReportBuilder
{
    /// <summary>
    /// The report of <paramref name="output"/>, with costs from <paramref name="pricing"/>. For a CrewAI-style flow,
    /// <paramref name="flowSteps"/> are its step runs (<see cref="FlowStepRun.Walk"/>) and <paramref name="maxIterations"/>
    /// each step's bound: the timeline then shows each step run as "iteration n of m" and a <c>for_each</c> step's items
    /// as bars under it.
    /// </summary>
    public static RunReport Build(CrewOutput output, PricingOptions pricing, IReadOnlyList<FlowStepRun>? flowSteps = null, IReadOnlyDictionary<string, int>? maxIterations = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(pricing);
        var start = output.StartedAt;
        double duration = Math.Max((output.FinishedAt - output.StartedAt).TotalSeconds, 0.001);
        var flowItems = ForEachItemIndexes(flowSteps);
        var tasks = output.TasksOutput.Select(t => new TaskReport(
            t.Name,
            t.Agent,
            t.Model,
            Math.Round((t.FinishedAt - t.StartedAt).TotalSeconds, 3),
            t.TokenUsage.TotalTokens,
            CostOf(t.Model, t.TokenUsage, pricing),
            t.TokenUsage.CacheHits,
            t.TokenUsage.CacheMisses,
            DelegationRecord.All(t.Delegations).Count(),
            t.Retries + DelegationRecord.All(t.Delegations).Sum(d => d.Retries),
            Math.Round(t.Waits.Concat(DelegationRecord.All(t.Delegations).SelectMany(d => d.Waits)).Sum(w => (w.EndedAt - w.StartedAt).TotalSeconds), 3),
            t.Raw.Length,
            t.Skipped,
            t.Item ?? (flowItems.TryGetValue(t.Name, out int item) ? item : null))).ToList();

        var work = output.TasksOutput.Where(t => t.Skipped is null).Select(t => (t.Agent, Task: true, Seconds: (t.FinishedAt - t.StartedAt).TotalSeconds, t.TokenUsage.TotalTokens - t.Delegations.Sum(d => d.TokenUsage.TotalTokens)))
            .Concat(output.TasksOutput.SelectMany(t => DelegationRecord.All(t.Delegations)).Select(d => (Agent: d.Coworker, Task: false, Seconds: (d.FinishedAt - d.StartedAt).TotalSeconds, d.TokenUsage.TotalTokens - d.Delegations.Sum(c => c.TokenUsage.TotalTokens))));
        var agents = work.GroupBy(w => w.Agent)
            .Select(g => new AgentReport(g.Key, g.Count(w => w.Task), g.Count(w => !w.Task), Math.Round(g.Sum(w => w.Seconds), 3), g.Sum(w => w.Item4)))
            .OrderByDescending(a => a.BusySeconds).ToList();

        var steps = (flowSteps ?? []).Select(s => new FlowStepReport(
            s.Record.Step,
            s.Record.Iteration,
            maxIterations?.GetValueOrDefault(s.Record.Step) ?? s.Record.Iteration,
            s.ForEach ? s.Record.RunIds.Count : null,
            s.Record.Outcome,
            Offset(s.StartedAt, start),
            Offset(s.FinishedAt, start))).ToList();
        var timeline = new List<TimelineBar>();
        foreach (var (step, run) in steps.Zip(flowSteps ?? []))
        {
            string outcome = step.Outcome is null ? string.Empty : $" → {step.Outcome}";
            string items = step.Items is { } count ? $", {count} items" : string.Empty;
            timeline.Add(new TimelineBar($"{step.Step}{outcome} ({step.IterationText}{items})", run.Record.Outcome is null ? step.Step : "human", "step", 0, step.StartSeconds, step.EndSeconds, null, step.Iteration, step.MaxIterations));
            foreach (var item in run.Items)
            {
                timeline.Add(new TimelineBar(TaskOutput.ItemName(step.Step, item.Index), item.Result.Crew, "item", 1, Offset(item.Result.StartedAt, start), Offset(item.Result.FinishedAt, start), item.Index, step.Iteration));
            }
        }

        foreach (var task in steps.Count > 0 ? [] : output.TasksOutput)
        {
            timeline.Add(new TimelineBar(task.Name, task.Agent, "task", 0, Offset(task.StartedAt, start), Offset(task.FinishedAt, start), task.Item));
            AddToolCalls(task.ToolCalls, 1, start, timeline);
            AddDelegations(task.Delegations, 1, start, timeline);
        }

        var calls = output.TasksOutput.SelectMany(t => t.ToolCalls.Concat(DelegationRecord.All(t.Delegations).SelectMany(d => d.ToolCalls))).ToList();
        var tools = calls.GroupBy(c => c.Tool)
            .Select(g => new ToolReport(g.Key, g.Count(), g.Count(c => c.Error is not null), g.Count(c => c.Cached), Math.Round(g.Sum(c => (c.FinishedAt - c.StartedAt).TotalSeconds), 3), g.Sum(c => c.Bytes)))
            .OrderByDescending(t => t.Calls).ThenBy(t => t.Tool, StringComparer.Ordinal).ToList();

        var costs = tasks.Select(t => t.Cost).ToList();
        return new RunReport
        {
            RunId = output.RunId,
            Crew = output.Crew,
            Status = output.Status,
            Error = output.Error,
            StartedAt = start,
            DurationSeconds = Math.Round(duration, 3),
            Tasks = tasks,
            Agents = agents,
            Tools = tools,
            TokenUsage = output.TokenUsage,
            Cost = costs.All(c => c.HasValue) ? costs.Sum(c => c!.Value) : null,
            CharsPerSecond = Math.Round(output.Raw.Length / duration, 1),
            Warnings = output.Warnings,
            Timeline = timeline,
            Steps = steps,
        };
    }

    /// <summary>
    /// The names of a flow's <c>for_each</c> items among its task rows (<c>step[k]</c>, as its result names them),
    /// each with its index; empty for a crew.
    /// </summary>
    static Dictionary<string, int> ForEachItemIndexes(IReadOnlyList<FlowStepRun>? flowSteps)
    {
        var indexes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var run in (flowSteps ?? []).Where(s => s.ForEach))
        {
            for (int k = 0; k < run.Record.RunIds.Count; k++)
            {
                indexes[TaskOutput.ItemName(run.Record.Step, k)] = k;
            }
        }

        return indexes;
    }

    static void AddDelegations(IReadOnlyList<DelegationRecord> delegations, int depth, DateTimeOffset start, List<TimelineBar> timeline)
    {
        foreach (var delegation in delegations)
        {
            string what = delegation.Task.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? delegation.Kind;
            string label = $"{delegation.Coworker}: {what}";
            timeline.Add(new TimelineBar(delegation.Reused ? $"(reused) {label}" : label, delegation.Coworker, "delegation", depth, Offset(delegation.StartedAt, start), Offset(delegation.FinishedAt, start)));
            AddToolCalls(delegation.ToolCalls, depth + 1, start, timeline);
            AddDelegations(delegation.Delegations, depth + 1, start, timeline);
        }
    }

    static void AddToolCalls(IReadOnlyList<ToolCallRecord> calls, int depth, DateTimeOffset start, List<TimelineBar> timeline)
    {
        foreach (var call in calls)
        {
            string label = call.Error is not null ? $"⚙ {call.Tool} (failed)" : call.Cached ? $"⚙ {call.Tool} (cached)" : $"⚙ {call.Tool}";
            timeline.Add(new TimelineBar(label, call.Agent ?? string.Empty, "tool", depth, Offset(call.StartedAt, start), Offset(call.FinishedAt, start)));
        }
    }


    static double Offset(DateTimeOffset time, DateTimeOffset start) => Math.Round(Math.Max(0, (time - start).TotalSeconds), 3);

    static decimal? CostOf(string? model, TokenUsage usage, PricingOptions pricing) =>
        pricing.PriceOf(model)?.Cost(usage.PromptTokens, usage.CompletionTokens);
}
