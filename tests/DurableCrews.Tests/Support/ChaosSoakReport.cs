using System.Globalization;
using System.Text;

namespace DurableCrews.Tests.Support;

/// <summary>What a <see cref="ChaosSoak"/> saw.</summary>
public sealed record ChaosSoakReport
{
    public required int Started { get; init; }

    /// <summary>Kickoffs a server did not take (it was out of storage or restarting): nothing was started for them.</summary>
    public required int RefusedKickoffs { get; init; }

    public required int Completed { get; init; }

    /// <summary>Each failed run with its status and reason.</summary>
    public required IReadOnlyList<string> Failed { get; init; }

    /// <summary>Runs that had not ended when the soak stopped waiting.</summary>
    public required IReadOnlyList<string> Stuck { get; init; }

    public required IReadOnlyList<string> Faults { get; init; }

    /// <summary>The longest a run took to end after the last fault it lived through was cleared.</summary>
    public required TimeSpan LongestWaitAfterLastFault { get; init; }

    /// <summary>Model or tool calls answered, recorded, and made again: must be none.</summary>
    public required IReadOnlyList<string> RepeatedFinishedCalls { get; init; }

    public required int ModelCalls { get; init; }

    public required int ToolCalls { get; init; }

    /// <summary>The report as a markdown table and lists.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine("| runs started | completed | failed | stuck | kickoffs refused | faults | longest wait after last fault s | model calls | tool calls | repeated finished calls |");
        text.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"| {Started} | {Completed} | {Failed.Count} | {Stuck.Count} | {RefusedKickoffs} | {Faults.Count} | {LongestWaitAfterLastFault.TotalSeconds:0.0} | {ModelCalls} | {ToolCalls} | {RepeatedFinishedCalls.Count} |"));
        text.AppendLine($"faults: {string.Join(", ", Faults)}");
        foreach (string failed in Failed)
        {
            text.AppendLine($"failed: {failed}");
        }

        foreach (string stuck in Stuck)
        {
            text.AppendLine($"stuck: {stuck}");
        }

        foreach (string repeated in RepeatedFinishedCalls)
        {
            text.AppendLine($"repeated: {repeated}");
        }

        return text.ToString();
    }
}
