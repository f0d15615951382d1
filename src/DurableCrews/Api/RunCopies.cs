using DurableCrews.Definitions;
using DurableCrews.Runs;
using DurableCrews.Storage;

namespace DurableCrews.Api;

/// <summary>
/// A run's stored records copied under another run id, for replays: a replay keeps what it reuses as its own, so that
/// the run it came from can be deleted while it runs or after.
/// </summary>
internal static class RunCopies
{
    /// <summary>
    /// Copies the stored outputs of the first <paramref name="count"/> of <paramref name="tasks"/> from run
    /// <paramref name="from"/> to run <paramref name="to"/>; a task that has not finished is left out.
    /// </summary>
    public static async Task CopyTaskOutputsAsync(RunStore runs, string from, string to, IReadOnlyList<TaskDefinition> tasks, int count, CancellationToken cancellationToken)
    {
        for (int index = 0; index < count; index++)
        {
            if (await runs.GetTaskOutputAsync(from, index, tasks[index].Name, cancellationToken).ConfigureAwait(false) is { } output)
            {
                // A for_each task's items first: its record, which lists them, says the task was decided.
                foreach (var item in (await runs.GetItemOutputsAsync(from, output, cancellationToken).ConfigureAwait(false)).OfType<TaskOutput>())
                {
                    await runs.SaveTaskOutputAsync(to, item, cancellationToken).ConfigureAwait(false);
                }

                await runs.SaveTaskOutputAsync(to, output, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Copies an ended crew run <paramref name="from"/> as run <paramref name="to"/>: its request, its tasks' outputs, and <paramref name="result"/>, its result.</summary>
    public static async Task CopyEndedRunAsync(RunStore runs, string from, string to, CrewOutput result, CancellationToken cancellationToken)
    {
        if (await runs.GetRunAsync(from, cancellationToken).ConfigureAwait(false) is { } run)
        {
            try
            {
                await runs.SaveRunAsync(run with { RunId = to }, cancellationToken).ConfigureAwait(false);
            }
            catch (BlobConditionFailedException)
            {
                // Copied before, by a replay started with this id and stopped before it was scheduled.
            }

            await CopyTaskOutputsAsync(runs, from, to, run.Definition.Tasks, run.Definition.Tasks.Count, cancellationToken).ConfigureAwait(false);
        }

        await runs.SaveResultAsync(result with { RunId = to }, cancellationToken).ConfigureAwait(false);
    }
}
