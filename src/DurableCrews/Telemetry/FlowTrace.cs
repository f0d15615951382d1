using System.Diagnostics;
using DurableCrews.Orchestration.Flows;
using DurableCrews.Runs;

namespace DurableCrews.Telemetry;

/// <summary>
/// A CrewAI-style flow's trace, emitted once when the flow ends, from what it stored: the flow span; under it one span
/// per run of a step (<c>flow.step {step}</c>, each iteration of a loop its own, tagged with its iteration); under a
/// <c>for_each</c> step's run one span per item (<c>flow.item {step}[k]</c>). A crew run's span names its run id,
/// whose own trace (<c>crew.run</c>) holds its tasks. Times are the stored ones; a person's answer has none stored, so
/// its span is the time between the step runs around it.
/// </summary>
internal static class FlowTrace
{
    public static void Emit(CrewOutput output, IReadOnlyList<FlowStepRecord> history, IReadOnlyDictionary<string, CrewOutput> results, ISet<string> forEachSteps)
    {
        if (!CrewTelemetry.Source.HasListeners())
        {
            return;
        }

        using var flow = RunTrace.Start($"flow.run {output.Crew}", default, output.StartedAt, output.RunId);
        if (flow is null)
        {
            return;
        }

        flow.SetTag("durablecrews.flow", output.Crew);
        flow.SetTag("durablecrews.run.status", output.Status.ToString());
        if (output.Status != CrewRunStatus.Completed)
        {
            flow.SetStatus(ActivityStatusCode.Error, output.Error ?? output.Status.ToString());
        }

        foreach (var run in FlowStepRun.Walk(history, results, forEachSteps, output.StartedAt))
        {
            var record = run.Record;
            using var step = RunTrace.Start($"flow.step {record.Step}", flow.Context, run.StartedAt, output.RunId);
            if (step is null)
            {
                continue;
            }

            step.SetTag("durablecrews.flow.step", record.Step);
            step.SetTag("durablecrews.flow.iteration", record.Iteration);
            step.SetTag("durablecrews.flow.labels", string.Join(",", record.Labels));
            if (record.Outcome is { } outcome)
            {
                step.SetTag("durablecrews.flow.outcome", outcome);
            }

            if (run.ForEach)
            {
                step.SetTag("durablecrews.flow.items", record.RunIds.Count);
            }
            else if (record.RunIds.Count == 1)
            {
                step.SetTag("durablecrews.flow.step_run", record.RunIds[0]);
            }

            foreach (var item in run.Items)
            {
                using var span = RunTrace.Start($"flow.item {record.Step}[{item.Index}]", step.Context, item.Result.StartedAt, output.RunId);
                span?.SetTag("durablecrews.flow.step", record.Step);
                span?.SetTag("durablecrews.item", item.Index);
                span?.SetTag("durablecrews.flow.step_run", item.RunId);
                span?.SetEndTime(item.Result.FinishedAt.UtcDateTime);
            }

            step.SetEndTime(run.FinishedAt.UtcDateTime);
        }

        flow.SetEndTime(output.FinishedAt.UtcDateTime);
    }
}
