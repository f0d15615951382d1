using DurableCrews.Orchestration.Crews;
using DurableCrews.Orchestration.Flows;
using DurableCrews.Runs;
using DurableCrews.Storage;
using DurableCrews.Telemetry;
using Microsoft.Extensions.Logging;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>
/// Gathers the finished tasks' outputs into the run's result (<c>result.json</c> and <c>result.md</c>), then compacts the
/// crew's long-term and entity memory when they have gathered enough segments, and, when asked, finishes the flow step
/// the run was the crew run of.
/// </summary>
public sealed class RunCompleter(RunStore runs, MemoryStore memory, FinishFlowStepActivity steps, TimeProvider time, ILogger<RunCompleter> logger)
{
    /// <summary>Writes the result and returns the run's summary.</summary>
    public async Task<CrewRunSummary> CompleteAsync(CompleteRunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var once = runs.ReadRunsOnce(request.RunId, request.RunETag);
        var run = await runs.RequireRunAsync(request.RunId, cancellationToken).ConfigureAwait(false);
        var crew = run.Definition;

        // Without a list (a run ended at its deadline), every task whose output is stored finished.
        var indexes = (request.FinishedTasks?.Order() ?? Enumerable.Range(0, crew.Tasks.Count)).ToList();
        var stored = await runs.GetTaskOutputsAsync(request.RunId, indexes.Select(i => (i, crew.Tasks[i].Name)).ToList(), cancellationToken).ConfigureAwait(false);
        var outputs = new List<TaskOutput>();
        foreach (var output in stored.OfType<TaskOutput>())
        {
            // A for_each task is shown as its items, each its own output (profile[0], profile[1] …).
            outputs.AddRange(output.Items is null ? [output] : (await runs.GetItemOutputsAsync(request.RunId, output, cancellationToken).ConfigureAwait(false)).OfType<TaskOutput>());
        }

        var planner = crew.Planning ? await runs.GetWorkAsync(request.RunId, AgentWorkInput.PlanningKey, cancellationToken).ConfigureAwait(false) : null;
        var last = request.Status == CrewRunStatus.Completed ? outputs.LastOrDefault(o => o.Skipped is null) : null;
        var result = new CrewOutput
        {
            RunId = request.RunId,
            Crew = crew.Name,
            Status = request.Status,
            Error = request.Error,
            Raw = last?.Raw ?? string.Empty,
            Json = last?.Json,
            TasksOutput = outputs,
            TokenUsage = TokenUsage.Sum(outputs.Select(o => o.TokenUsage)).Add(planner?.Usage ?? TokenUsage.Zero),
            StartedAt = request.StartedAt,
            FinishedAt = time.GetUtcNow(),
        };
        string blob = await runs.SaveResultAsync(result, cancellationToken).ConfigureAwait(false);
        CrewTelemetry.RunEnded(result);
        if (crew.Memory || crew.Agents.Any(a => a.Memory == true))
        {
            await CompactMemoryAsync(crew.Name, cancellationToken).ConfigureAwait(false);
        }

        return new CrewRunSummary(request.RunId, crew.Name, request.Status, blob, outputs.Count, result.TokenUsage, request.Error)
        {
            StepEnd = request.Status == CrewRunStatus.Completed && request.FinishStep is { } order ? await FinishStepAsync(order, cancellationToken).ConfigureAwait(false) : null,
        };
    }

    /// <summary>Finishes the flow step the run completed; a step that cannot finish here (a store failure, an expression that fails) is left to the flow's own activity, which reports its failure as the step's.</summary>
    async Task<FlowStepEnd?> FinishStepAsync(FlowStepOrder order, CancellationToken cancellationToken)
    {
        try
        {
            return await steps.ExecuteAsync(order, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Finishing step {Step} of flow {RunId} with its crew run's completion failed; it is finished on its own", order.Step, order.RunId);
            return null;
        }
    }

    async Task CompactMemoryAsync(string crew, CancellationToken cancellationToken)
    {
        foreach (var scope in new[] { MemoryScope.LongTerm(crew), MemoryScope.Entities(crew) })
        {
            try
            {
                await memory.CompactAsync(scope, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Compaction only tidies: the segments stay searchable as they are, and the next run tries again.
                logger.LogWarning(ex, "Compacting the memory of {Scope} failed; it stays as it is until the next run", scope.Prefix);
            }
        }
    }
}
