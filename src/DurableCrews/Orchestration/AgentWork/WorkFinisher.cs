using DurableCrews.Agents;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Runs;
using DurableCrews.Storage;
using DurableCrews.Telemetry;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>
/// Finishes one agent's work. For a crew task: stores its <see cref="TaskOutput"/> (JSON parsed against
/// <c>output_json</c>, delegations, retries and waits), its transcript and <c>output_file</c>, and saves it to memory.
/// For a delegation: marks the answer final, for the delegating agent's next turn to read.
/// </summary>
public sealed class WorkFinisher(RunStore runs, CrewMemory memory, TimeProvider time)
{
    /// <summary>Finishes the work and returns where its result is.</summary>
    public async Task<AgentWorkSummary> FinishAsync(FinishAgentWorkRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var work = await runs.GetWorkAsync(request.RunId, request.Key, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Work '{request.Key}' of run '{request.RunId}' has not begun.");
        var finishedAt = work.FinishedAt ?? time.GetUtcNow();
        var usage = work.Usage.Add(TokenUsage.Sum(work.Delegations.Select(d => d.TokenUsage)));
        // A crew task's stored output says it finished (nothing reads its work after); a delegation's work is read by its parent.
        if (work.FinishedAt is null && work.Kind != "task")
        {
            work = work with { FinishedAt = finishedAt, Retries = request.Retries, Waits = request.Waits };
            await runs.SaveWorkAsync(work, cancellationToken).ConfigureAwait(false);
        }

        if (work.Kind != "task")
        {
            return new AgentWorkSummary(work.Key, work.TaskIndex, work.Agent, null, usage);
        }

        var run = await runs.RequireRunAsync(request.RunId, cancellationToken).ConfigureAwait(false);
        var crew = run.Definition;
        var task = crew.Tasks[work.TaskIndex];
        if (work.Item is { } item)
        {
            task = await ForEachItems.TaskForAsync(runs, request.RunId, work.TaskIndex, task, item, cancellationToken).ConfigureAwait(false);
        }

        string raw = work.Answer ?? string.Empty;
        var (json, jsonError) = task.OutputJson is { } schema ? OutputJsonParser.Parse(raw, schema) : (null, null);
        var output = new TaskOutput
        {
            Name = task.Name,
            Index = work.TaskIndex,
            Item = work.Item,
            Description = task.Description,
            ExpectedOutput = task.ExpectedOutput,
            Agent = work.Agent,
            Model = work.Model,
            Raw = raw,
            Json = json,
            JsonError = jsonError,
            Context = work.Context,
            StartedAt = work.StartedAt,
            FinishedAt = finishedAt,
            TokenUsage = usage,
            Delegations = work.Delegations,
            ToolCalls = work.ToolCalls,
            ModelCalls = work.ModelCalls,
            Retries = request.Retries,
            Waits = request.Waits,
            Turns = work.Turns,
        };
        output = output with { Warnings = TaskWarnings.Of(output, ReachedMaxIter(work)) };
        var transcript = new Transcript { Model = work.Model, Messages = Conversation.Transcribe(Conversation.Load(work.Messages)) };

        // The answer its last turn staged and the transcript go together, both before the output that says the task finished.
        await Task.WhenAll(
            runs.SaveStagedWorksAsync(cancellationToken),
            runs.SaveTranscriptAsync(request.RunId, work.TaskIndex, task.Name, transcript, cancellationToken)).ConfigureAwait(false);
        if (task.OutputFile is { } file)
        {
            output = output with { OutputFile = await runs.SaveOutputFileAsync(request.RunId, file, raw, cancellationToken).ConfigureAwait(false) };
        }

        var agent = crew.Process == Definitions.CrewProcess.Hierarchical ? ManagerPersona.For(crew) : crew.FindAgent(task.Agent ?? string.Empty);
        if (agent is not null)
        {
            await memory.RememberAsync(request.RunId, crew, agent, output, cancellationToken).ConfigureAwait(false);
        }

        string blob = await runs.SaveTaskOutputAsync(request.RunId, output, cancellationToken).ConfigureAwait(false);
        CrewTelemetry.TaskFinished(crew.Name, output);
        return new AgentWorkSummary(work.Key, work.TaskIndex, work.Agent, blob, usage);
    }

    /// <summary>Whether the agent, after working, was told it had used its max_iter turns (the message stays in its conversation).</summary>
    static bool ReachedMaxIter(AgentWorkState work) =>
        work.Turns > 1
        && work.Messages.ValueKind == System.Text.Json.JsonValueKind.Array
        && Conversation.Load(work.Messages).Any(m => m.Role == Microsoft.Extensions.AI.ChatRole.User && m.Text == AgentTurnActivity.FinalAnswerNow);
}
