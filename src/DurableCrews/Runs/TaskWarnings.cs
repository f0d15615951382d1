namespace DurableCrews.Runs;

/// <summary>
/// What went wrong in a task that still finished: its answer is not the JSON its <c>output_json</c> asked for, every
/// tool call it made failed, or it reached <c>max_iter</c> and was made to answer. The run completes, and says so.
/// </summary>
public static class TaskWarnings
{
    /// <summary>The warnings of a finished task's output.</summary>
    /// <param name="output">The task's output.</param>
    /// <param name="reachedMaxIter">Whether the agent was told to answer because it had used its <c>max_iter</c> turns.</param>
    public static IReadOnlyList<string> Of(TaskOutput output, bool reachedMaxIter)
    {
        ArgumentNullException.ThrowIfNull(output);
        var warnings = new List<string>();
        if (output.JsonError is { } jsonError)
        {
            warnings.Add($"the answer is not the JSON output_json asks for ({jsonError})");
        }

        var calls = output.ToolCalls.Concat(DelegationRecord.All(output.Delegations).SelectMany(d => d.ToolCalls)).ToList();
        if (calls.Count > 0 && calls.All(c => c.Error is not null))
        {
            string tools = string.Join(", ", calls.Select(c => c.Tool).Distinct(StringComparer.Ordinal));
            warnings.Add($"all {calls.Count} tool call(s) failed ({tools}); the answer was written without their results");
        }

        if (reachedMaxIter)
        {
            warnings.Add("the agent reached max_iter and was made to give its final answer");
        }

        return warnings;
    }
}
