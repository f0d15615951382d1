using DurableCrews.Orchestration.Flows;
using DurableCrews.Runs;
using DurableCrews.Storage;

namespace DurableCrews.Api;

/// <summary>
/// What a replay of a flow run from a step keeps of the run it replays, copied under the replay's own id as it starts,
/// so that the replay reads nothing of that run and the run can be deleted right after: each kept step run's crew runs
/// (request, task outputs, result; <c>{runId}.{step}…</c> becomes <c>{replayId}.{step}…</c>) and, for a CrewAI-style
/// flow, the snapshots taken before the kept step runs and before the step the replay starts from, naming the copies.
/// </summary>
internal sealed class FlowReplayCopy
{
    readonly RunStore runs;
    readonly string replayId;
    readonly IReadOnlyList<(string From, CrewOutput Result)> crewRuns;
    readonly IReadOnlyList<FlowStepOrder> snapshots;

    FlowReplayCopy(RunStore runs, string replayId, IReadOnlyList<(string From, CrewOutput Result)> crewRuns, IReadOnlyList<FlowStepOrder> snapshots)
    {
        this.runs = runs;
        this.replayId = replayId;
        this.crewRuns = crewRuns;
        this.snapshots = snapshots;
    }

    /// <summary>
    /// Reads what replay <paramref name="replayId"/> of run <paramref name="source"/> from <paramref name="start"/>
    /// keeps: the results of the crew runs of <paramref name="kept"/> and, when <paramref name="withSnapshots"/>, the
    /// snapshots of <paramref name="source"/> taken before each of them, and <paramref name="start"/>.
    /// </summary>
    /// <exception cref="RunConflictException">A kept crew run has no stored result.</exception>
    public static async Task<FlowReplayCopy> ReadAsync(RunStore runs, string source, string replayId, FlowStepOrder start, IReadOnlyList<FlowStepRecord> kept, bool withSnapshots, CancellationToken cancellationToken)
    {
        var crewRuns = new List<(string From, CrewOutput Result)>();
        foreach (var record in kept)
        {
            var results = await Task.WhenAll(record.RunIds.Select(r => runs.GetResultAsync(r, cancellationToken))).ConfigureAwait(false);
            for (int k = 0; k < results.Length; k++)
            {
                crewRuns.Add((record.RunIds[k], results[k] ?? throw new RunConflictException(
                    $"Crew run '{record.RunIds[k]}' of step '{record.Step}', which a replay of run '{source}' from step '{start.Step}' keeps, has no stored result (was the run that ran it deleted?); replay from an earlier step.")));
            }
        }

        var snapshots = new List<FlowStepOrder>();
        foreach (var record in withSnapshots ? kept : [])
        {
            if (await runs.GetFlowSnapshotAsync(source, record.Step, record.Iteration, cancellationToken).ConfigureAwait(false) is { } snapshot)
            {
                snapshots.Add(snapshot);
            }
        }

        return new FlowReplayCopy(runs, replayId, crewRuns, withSnapshots ? [.. snapshots, start] : snapshots);
    }

    /// <summary>The replay's copy of crew run <paramref name="runId"/> of a step.</summary>
    public string Map(string runId) => replayId + runId[runId.IndexOf('.', StringComparison.Ordinal)..];

    /// <summary><paramref name="record"/> naming the replay's copies of its crew runs.</summary>
    public FlowStepRecord Map(FlowStepRecord record) => record with { RunIds = record.RunIds.Select(Map).ToList() };

    /// <summary><paramref name="order"/> naming the replay's copies of the crew runs of its steps.</summary>
    public FlowStepOrder Map(FlowStepOrder order) => order with
    {
        Steps = order.Steps.ToDictionary(s => s.Key, s => Map(s.Value), StringComparer.Ordinal),
        Finished = order.Finished is { } finished ? Map(finished) : null,
    };

    /// <summary>Writes the copies under the replay's id.</summary>
    public async Task WriteAsync(CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(crewRuns, new ParallelOptions { MaxDegreeOfParallelism = RunStore.ParallelOutputReads, CancellationToken = cancellationToken }, async (run, token) =>
            await RunCopies.CopyEndedRunAsync(runs, run.From, Map(run.From), run.Result, token).ConfigureAwait(false)).ConfigureAwait(false);
        foreach (var snapshot in snapshots)
        {
            await runs.SaveFlowSnapshotAsync(Map(snapshot) with { RunId = replayId }, cancellationToken).ConfigureAwait(false);
        }
    }
}
