using DurableCrews.Definitions;
using DurableCrews.Runs;
using DurableCrews.Storage;

namespace DurableCrews.Orchestration;

/// <summary>How one item of a <c>for_each</c> task sees its task, for the activities that begin and finish its work.</summary>
internal static class ForEachItems
{
    /// <summary>
    /// The task as item <paramref name="item"/> runs it: named <c>task[k]</c>, its description, expected output and
    /// output file with <c>{item}</c>, <c>{item.FIELD}</c> and <c>{item_index}</c> filled from the list the task's record holds.
    /// </summary>
    public static async Task<TaskDefinition> TaskForAsync(RunStore runs, string runId, int index, TaskDefinition task, int item, CancellationToken cancellationToken)
    {
        var record = await runs.GetTaskOutputAsync(runId, index, task.Name, cancellationToken).ConfigureAwait(false);
        var value = record?.Items is { } items && item < items.Count ? items[item] : throw new InvalidOperationException($"Task '{task.Name}' has no item {item} stored.");
        return task with
        {
            Name = TaskOutput.ItemName(task.Name, item),
            Description = CrewInputs.FillItem(task.Description, value, item),
            ExpectedOutput = CrewInputs.FillItem(task.ExpectedOutput, value, item),
            OutputFile = task.OutputFile is { } file ? CrewInputs.FillItem(file, value, item) : null,
        };
    }
}
