using System.Text.Json;

namespace DurableCrews.Definitions;

/// <summary>A task as CrewAI users write it in <c>tasks.yaml</c>.</summary>
public sealed record TaskDefinition
{
    /// <summary>The task's key in the definition (<c>research_task</c>).</summary>
    public required string Name { get; init; }

    /// <summary>What to do; placeholders allowed.</summary>
    public required string Description { get; init; }

    /// <summary>What the answer must look like; placeholders allowed.</summary>
    public required string ExpectedOutput { get; init; }

    /// <summary>The agent's key; optional in a hierarchical crew, where the manager assigns.</summary>
    public string? Agent { get; init; }

    /// <summary>
    /// The tasks whose outputs this task sees. Null: the outputs of all earlier tasks;
    /// empty: none; otherwise only the named ones.
    /// </summary>
    public IReadOnlyList<string>? Context { get; init; }

    /// <summary>A JSON schema the answer must parse against; the parsed answer is kept as the task's JSON output.</summary>
    public JsonElement? OutputJson { get; init; }

    /// <summary>A file path the raw output is also written to, relative to the run's blobs; placeholders allowed.</summary>
    public string? OutputFile { get; init; }

    /// <summary>Whether the task runs alongside the tasks that follow it until a later task needs it.</summary>
    public bool AsyncExecution { get; init; }

    /// <summary>Whether a person reviews the answer (an external event) before the task completes.</summary>
    public bool HumanInput { get; init; }

    /// <summary>A rule the answer must meet, checked by the model after the answer.</summary>
    public string? Guardrail { get; init; }

    /// <summary>How many times the agent retries after the guardrail rejects its answer.</summary>
    public int GuardrailMaxRetries { get; init; } = 3;

    /// <summary>
    /// Makes the task run once per item of a list known only at run time: <c>TASK.FIELD</c> (a list in an earlier task's
    /// <c>output_json</c>) or any expression that gives a list. Its texts take <c>{item}</c>, <c>{item.FIELD}</c> and
    /// <c>{item_index}</c>; each item's output is kept as <c>name[k]</c>. Null: the task runs once.
    /// </summary>
    public string? ForEach { get; init; }

    /// <summary>How many items of a <see cref="ForEach"/> task run at once (1 to 64).</summary>
    public int MaxParallel { get; init; } = 8;

    /// <summary>An expression over the earlier tasks (<c>research.json.count &gt; 3</c>) and <c>inputs</c>; false skips the task. Null: it always runs.</summary>
    public string? Condition { get; init; }

    /// <summary>The tools of this task (canonical names), which replace its agent's for this task as in CrewAI; null for the agent's own.</summary>
    public IReadOnlyList<string>? Tools { get; init; }
}
