using DurableCrews.Agents;
using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration;

/// <summary>
/// Runs one agent task: reads the run's definition and the context tasks' outputs from blobs, asks the model,
/// and stores the output and transcript. A task whose output is already stored (a redelivered activity after a
/// crash) is not asked of the model again.
/// </summary>
public sealed class AgentTaskActivity : TaskActivity<AgentTaskRequest, AgentTaskSummary>
{
    readonly RunStore runs;
    readonly AgentTaskRunner runner;
    readonly CrewMemory memory;

    /// <summary>Creates the activity.</summary>
    public AgentTaskActivity(RunStore runs, AgentTaskRunner runner, CrewMemory memory)
    {
        this.runs = runs;
        this.runner = runner;
        this.memory = memory;
    }

    /// <inheritdoc />
    public override Task<AgentTaskSummary> RunAsync(TaskActivityContext context, AgentTaskRequest input) => ExecuteAsync(input);

    /// <summary>Runs the task and returns where its output is.</summary>
    public async Task<AgentTaskSummary> ExecuteAsync(AgentTaskRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var run = await runs.RequireRunAsync(request.RunId, cancellationToken).ConfigureAwait(false);
        var crew = run.Definition;
        var task = crew.Tasks[request.TaskIndex];

        if (await runs.GetTaskOutputAsync(request.RunId, request.TaskIndex, task.Name, cancellationToken).ConfigureAwait(false) is { } done)
        {
            return Summarize(request.RunId, done);
        }

        var context = new List<TaskOutput>();
        foreach (int index in request.Context)
        {
            context.Add(await runs.GetTaskOutputAsync(request.RunId, index, crew.Tasks[index].Name, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Task '{task.Name}' needs the output of '{crew.Tasks[index].Name}', which is not stored."));
        }

        var agent = crew.FindAgent(task.Agent ?? string.Empty)
            ?? throw new InvalidOperationException($"Task '{task.Name}' has no agent to run it.");
        var recalled = await memory.RecallAsync(request.RunId, crew, agent, task, cancellationToken).ConfigureAwait(false);
        var result = await runner.RunAsync(crew, request.TaskIndex, context, recalled.Select(CrewMemory.Describe).ToList(), cancellationToken).ConfigureAwait(false);
        var output = result.Output;
        await runs.SaveTranscriptAsync(request.RunId, request.TaskIndex, task.Name, result.Transcript, cancellationToken).ConfigureAwait(false);
        if (task.OutputFile is { } file)
        {
            output = output with { OutputFile = await runs.SaveOutputFileAsync(request.RunId, file, output.Raw, cancellationToken).ConfigureAwait(false) };
        }

        await memory.RememberAsync(request.RunId, crew, agent, output, cancellationToken).ConfigureAwait(false);
        await runs.SaveTaskOutputAsync(request.RunId, output, cancellationToken).ConfigureAwait(false);
        return Summarize(request.RunId, output);
    }

    static AgentTaskSummary Summarize(string runId, TaskOutput output) =>
        new(output.Index, output.Name, RunStore.TaskBlob(runId, output.Index, output.Name), output.TokenUsage);
}
