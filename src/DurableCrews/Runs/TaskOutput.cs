using System.Text.Json;

namespace DurableCrews.Runs;

/// <summary>One task's result, stored as <c>crew-runs/{runId}/tasks/{nn}-{task}.json</c>.</summary>
public sealed record TaskOutput
{
    /// <summary>The task's name.</summary>
    public required string Name { get; init; }

    /// <summary>The task's position in the crew, from 0.</summary>
    public int Index { get; init; }

    /// <summary>The task's description, after interpolation.</summary>
    public required string Description { get; init; }

    /// <summary>The expected output, after interpolation.</summary>
    public string ExpectedOutput { get; init; } = string.Empty;

    /// <summary>The role of the agent that did the task.</summary>
    public required string Agent { get; init; }

    /// <summary>The model that answered, as resolved (<c>offline</c>, <c>azure-openai/gpt-4o</c>).</summary>
    public string? Model { get; init; }

    /// <summary>The answer as text.</summary>
    public required string Raw { get; init; }

    /// <summary>The answer parsed as JSON, when the task has <c>output_json</c> and the answer matches it.</summary>
    public JsonElement? Json { get; init; }

    /// <summary>CrewAI's name for <see cref="Json"/> (<c>task_output.json_dict</c>); written, never read back.</summary>
    public JsonElement? JsonDict => Json;

    /// <summary>Why the answer did not parse against <c>output_json</c>, when it did not.</summary>
    public string? JsonError { get; init; }

    /// <summary>The names of the tasks whose outputs this task was given as context, in order.</summary>
    public IReadOnlyList<string> Context { get; init; } = [];

    /// <summary>When the task started.</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When the task finished.</summary>
    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>Tokens spent on this task.</summary>
    public TokenUsage TokenUsage { get; init; } = TokenUsage.Zero;

    /// <summary>Where the raw output was also written, when the task has <c>output_file</c>.</summary>
    public string? OutputFile { get; init; }

    /// <summary>The work this task's agent (or the manager) delegated to coworkers, in the order it was asked for.</summary>
    public IReadOnlyList<DelegationRecord> Delegations { get; init; } = [];

    /// <summary>The model turns of the task's agent (its coworkers' are in their delegations).</summary>
    public IReadOnlyList<ModelCallRecord> ModelCalls { get; init; } = [];

    /// <summary>The tool calls the task's agent made (results left out; its coworkers' are in their delegations).</summary>
    public IReadOnlyList<ToolCallRecord> ToolCalls { get; init; } = [];

    /// <summary>Model requests retried after a 429 or 5xx, and attempts that failed a guardrail.</summary>
    public int Retries { get; init; }

    /// <summary>Waits on durable timers and events: rate limits, retry backoff, human input.</summary>
    public IReadOnlyList<ExecutionWait> Waits { get; init; } = [];

    /// <summary>Model turns the agent took (tool calls and revisions included).</summary>
    public int Turns { get; init; }

    /// <summary>For one item of a <c>for_each</c> task (named <c>task[k]</c>): its position in the list, from 0.</summary>
    public int? Item { get; init; }

    /// <summary>
    /// For a <c>for_each</c> task's own record: the items it runs over, in order; their outputs are stored as
    /// <c>task[0]</c>, <c>task[1]</c> … (<see cref="ItemName"/>).
    /// </summary>
    public IReadOnlyList<JsonElement>? Items { get; init; }

    /// <summary>Why the task did not run, when it was skipped (its condition was false, its list was empty).</summary>
    public string? Skipped { get; init; }

    /// <summary>What went wrong in this task though it finished (see <see cref="TaskWarnings"/>); empty when nothing did.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The name an item's output is stored and shown under: <c>profile[2]</c>.</summary>
    public static string ItemName(string task, int item) => $"{task}[{item}]";
}
