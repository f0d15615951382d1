using System.Text.Json;
using DurableCrews.Agents;
using DurableCrews.Definitions;
using DurableCrews.Expressions;
using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;

namespace DurableCrews.Orchestration.Crews;

/// <summary>
/// Decides, from the stored outputs of the tasks it reads, whether a task with a <c>condition</c> runs and over which
/// items a <c>for_each</c> task runs, and stores what it decided as the task's own record (skipped with the reason, or
/// the list of items) so that a replayed or redelivered decision reads it back instead of deciding again. Only tasks
/// with one of these keys call it, so a crew without them runs (and records its history) as before.
/// </summary>
public sealed class PrepareTaskActivity : TaskActivity<PrepareTaskRequest, TaskPreparation>
{
    readonly RunStore runs;
    readonly ExecutionOptions options;
    readonly TimeProvider time;

    /// <summary>Creates the activity.</summary>
    public PrepareTaskActivity(RunStore runs, IOptions<ExecutionOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.runs = runs;
        this.options = options.Value;
        this.time = time;
    }

    /// <inheritdoc />
    public override Task<TaskPreparation> RunAsync(TaskActivityContext context, PrepareTaskRequest input) => ExecuteAsync(input);

    /// <summary>Decides and records whether and how often the task runs.</summary>
    public async Task<TaskPreparation> ExecuteAsync(PrepareTaskRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var once = runs.ReadRunsOnce(request.RunId, request.RunETag);
        var run = await runs.RequireRunAsync(request.RunId, cancellationToken).ConfigureAwait(false);
        var crew = run.Definition;
        var task = crew.Tasks[request.TaskIndex];
        string blob = RunBlobs.TaskBlob(request.RunId, request.TaskIndex, task.Name);
        if (await runs.GetTaskOutputAsync(request.RunId, request.TaskIndex, task.Name, cancellationToken).ConfigureAwait(false) is { } decided)
        {
            return new TaskPreparation(decided.Skipped, decided.Items?.Count ?? 0, OutputBlob: blob);
        }

        JsonElement[] items;
        try
        {
            var variables = await ReadVariablesAsync(run, task, cancellationToken).ConfigureAwait(false);
            if (task.Condition is { } condition && !CrewExpression.Parse(condition).EvaluateCondition(variables))
            {
                return await SkipAsync(request, crew, task, $"its condition '{condition}' is false", cancellationToken).ConfigureAwait(false);
            }

            if (task.ForEach is not { } forEach)
            {
                return new TaskPreparation();
            }

            var list = CrewExpression.Parse(forEach).Evaluate(variables) as System.Text.Json.Nodes.JsonArray
                ?? throw new ExpressionException($"for_each '{forEach}' does not give a list", 0);
            items = [.. list.Select(item => JsonElement.Parse(item?.ToJsonString() ?? "null"))];
        }
        catch (ExpressionException ex)
        {
            return new TaskPreparation(Error: $"Task '{task.Name}': {ex.Message.TrimEnd('.')} (at {ex.Position}).");
        }

        if (items.Length == 0)
        {
            return await SkipAsync(request, crew, task, $"its for_each '{task.ForEach}' gave no items", cancellationToken).ConfigureAwait(false);
        }

        if (items.Length > options.MaxForEachItems)
        {
            return new TaskPreparation(Error:
                $"Task '{task.Name}': its for_each '{task.ForEach}' gave {items.Length} items, more than the {options.MaxForEachItems} allowed (DurableCrews__Execution__MaxForEachItems).");
        }

        var record = Record(request, crew, task) with { Items = items };
        return new TaskPreparation(Items: items.Length, OutputBlob: await runs.SaveTaskOutputAsync(request.RunId, record, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The outputs of the earlier tasks the task's expressions name, each for_each task's with its items.</summary>
    async Task<System.Text.Json.Nodes.JsonObject> ReadVariablesAsync(RunRecord run, TaskDefinition task, CancellationToken cancellationToken)
    {
        var crew = run.Definition;
        var names = new[] { task.Condition, task.ForEach }.OfType<string>().SelectMany(e => CrewExpression.Parse(e).Roots).Distinct().ToList();
        var read = crew.Tasks.Select((t, i) => (Index: i, t.Name)).Where(t => names.Contains(t.Name)).ToList();
        var outputs = await runs.GetTaskOutputsAsync(run.RunId, read, cancellationToken).ConfigureAwait(false);
        var tasks = new List<(TaskOutput, IReadOnlyList<TaskOutput>)>();
        foreach (var output in outputs.OfType<TaskOutput>())
        {
            tasks.Add((output, (await runs.GetItemOutputsAsync(run.RunId, output, cancellationToken).ConfigureAwait(false)).OfType<TaskOutput>().ToList()));
        }

        return TaskVariables.Of(tasks, run.Inputs);
    }

    async Task<TaskPreparation> SkipAsync(PrepareTaskRequest request, CrewDefinition crew, TaskDefinition task, string reason, CancellationToken cancellationToken)
    {
        string skipped = $"Skipped: {reason}.";
        string blob = await runs.SaveTaskOutputAsync(request.RunId, Record(request, crew, task) with { Skipped = skipped }, cancellationToken).ConfigureAwait(false);
        return new TaskPreparation(skipped, OutputBlob: blob);
    }

    TaskOutput Record(PrepareTaskRequest request, CrewDefinition crew, TaskDefinition task)
    {
        var agent = crew.Process == CrewProcess.Hierarchical ? ManagerPersona.For(crew) : crew.FindAgent(task.Agent ?? string.Empty);
        var now = time.GetUtcNow();
        return new TaskOutput
        {
            Name = task.Name,
            Index = request.TaskIndex,
            Description = task.Description,
            ExpectedOutput = task.ExpectedOutput,
            Agent = agent?.Role ?? ManagerPersona.Role,
            Raw = string.Empty,
            StartedAt = now,
            FinishedAt = now,
        };
    }
}
