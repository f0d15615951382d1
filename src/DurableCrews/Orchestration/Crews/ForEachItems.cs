using System.Text.Json;
using DurableCrews.Definitions;
using DurableCrews.Runs;
using DurableCrews.Storage;

namespace DurableCrews.Orchestration.Crews;

/// <summary>How one item of a <c>for_each</c> task sees its task, for the activities that begin and finish its work.</summary>
internal static class ForEachItems
{
    /// <summary>
    /// The task as item <paramref name="item"/> runs it: named <c>task[k]</c>, its description, expected output and
    /// output file with <c>{item}</c>, <c>{item.FIELD}</c> and <c>{item_index}</c> filled from the list the task's record holds.
    /// </summary>
    public static async Task<TaskDefinition> TaskForAsync(RunStore runs, string runId, int index, TaskDefinition task, int item, CancellationToken cancellationToken)
    {
        var record = await runs.GetItemListAsync(runId, index, task.Name, cancellationToken).ConfigureAwait(false);
        var value = record?.Items is { } items && item < items.Count ? items[item] : throw new InvalidOperationException($"Task '{task.Name}' has no item {item} stored.");
        return task with
        {
            Name = TaskOutput.ItemName(task.Name, item),
            Description = CrewInputs.FillItem(task.Description, value, item),
            ExpectedOutput = CrewInputs.FillItem(task.ExpectedOutput, value, item),
            OutputFile = task.OutputFile is { } file ? OutputFileFor(file, value, item) : null,
        };
    }

    /// <summary>
    /// An item's own output file. Its placeholders are filled from the item, which a model wrote, so the filled path is
    /// checked again; one that is refused, or the same for every item (no placeholder), becomes the template with the
    /// item's index before its extension (<c>report.md</c> → <c>report-2.md</c>).
    /// </summary>
    static string OutputFileFor(string template, JsonElement value, int item)
    {
        string filled = CrewInputs.FillItem(template, value, item);
        if (filled != template && OutputFilePath.Normalize(filled, out _) is { } path)
        {
            return path;
        }

        int dot = template.LastIndexOf('.');
        return dot > template.LastIndexOf('/') + 1 ? $"{template[..dot]}-{item}{template[dot..]}" : $"{template}-{item}";
    }
}
