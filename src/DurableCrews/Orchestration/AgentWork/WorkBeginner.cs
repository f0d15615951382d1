using DurableCrews.Agents;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Orchestration.RateLimiting;
using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>
/// Begins one agent's work: picks the agent (the task's, the manager of a hierarchical crew, or the coworker a
/// delegation names), writes its first messages (who it is, the task, the context tasks' outputs, recalled memories) and tells the orchestrator the agent's limits. A work begun before is not begun again.
/// </summary>
public sealed class WorkBeginner(RunStore runs, CrewMemory memory, CrewKnowledge knowledge, IChatClientProvider models, IOptions<ExecutionOptions> settings, TimeProvider time)
{
    readonly ExecutionOptions options = settings.Value;

    /// <summary>Begins the work and returns what the orchestrator needs to drive it.</summary>
    public async Task<AgentWorkStart> BeginAsync(AgentWorkInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var run = await runs.RequireRunAsync(input.RunId, cancellationToken).ConfigureAwait(false);
        var crew = run.Definition;
        if (input.IsPlanning)
        {
            var planner = PlanningPrompt.Planner(crew);
            if (await runs.GetWorkAsync(input.RunId, input.Key, cancellationToken).ConfigureAwait(false) is null)
            {
                await runs.StageWorkAsync(NewWork(input, crew, planner, "plan") with { Coworkers = [], Messages = Conversation.Save([PromptBuilder.System(planner), PlanningPrompt.Build(crew)]) }, cancellationToken).ConfigureAwait(false);
            }

            return Pace(crew, planner, input) with { Guardrail = false, HumanInput = false };
        }

        var task = crew.Tasks[input.TaskIndex];

        // The reads a first try needs go out together: its work (to never repeat a turn), its earlier output when it may
        // have one, the outputs it takes as context. On a second try of the same turn some of them go unused.
        var context = input.IsDelegation || input.Context.Count == 0
            ? null
            : runs.GetTaskOutputsAsync(input.RunId, input.Context.Select(i => (i, crew.Tasks[i].Name)).ToList(), cancellationToken);
        string outputName = input.Item is { } item ? TaskOutput.ItemName(task.Name, item) : task.Name;
        var earlier = !input.IsDelegation && !input.NoEarlierOutput ? runs.GetTaskOutputAsync(input.RunId, input.TaskIndex, outputName, cancellationToken) : null;
        AgentWorkState? work;
        TaskOutput? done;
        try
        {
            work = await runs.GetWorkAsync(input.RunId, input.Key, cancellationToken).ConfigureAwait(false);

            // A task's output is written after its work: a first try whose work does not exist yet cannot have one.
            if (earlier is null && !input.IsDelegation && work is not null)
            {
                earlier = runs.GetTaskOutputAsync(input.RunId, input.TaskIndex, outputName, cancellationToken);
            }

            done = earlier is null ? null : await earlier.ConfigureAwait(false);
        }
        catch
        {
            Observe(context);
            Observe(earlier);
            throw;
        }

        if (done is not null || work is not null)
        {
            Observe(context);
        }

        if (done is not null)
        {
            var summary = new AgentWorkSummary(input.Key, input.TaskIndex, done.Agent, RunBlobs.TaskBlob(input.RunId, done.Index, done.Name), done.TokenUsage);
            return new AgentWorkStart { Agent = done.Agent, Finished = summary };
        }

        AgentDefinition agent;
        if (input.IsDelegation)
        {
            var parent = await runs.GetWorkAsync(input.RunId, input.ParentKey!, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Delegation '{input.Key}' has no delegating work '{input.ParentKey}'.");
            var delegation = parent.Pending.FirstOrDefault(p => p.ChildKey == input.Key)?.Delegation
                ?? throw new InvalidOperationException($"Work '{input.ParentKey}' did not ask for delegation '{input.Key}'.");
            agent = crew.Agents.First(a => a.Role == delegation.Coworker);
            work ??= await BeginDelegationAsync(input, crew, agent, delegation, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            agent = crew.Process == CrewProcess.Hierarchical
                ? ManagerPersona.For(crew)
                : crew.FindAgent(task.Agent ?? string.Empty) ?? throw new InvalidOperationException($"Task '{task.Name}' has no agent to run it.");
            work ??= await BeginTaskAsync(input, crew, agent, task, context is null ? [] : await context.ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }

        return Pace(crew, agent, input) with
        {
            Guardrail = !input.IsDelegation && !string.IsNullOrWhiteSpace(task.Guardrail),
            GuardrailMaxRetries = task.GuardrailMaxRetries,
            HumanInput = !input.IsDelegation && task.HumanInput,
        };
    }

    /// <summary>Lets a read whose result is not needed end on its own, its failure (if any) observed.</summary>
    static void Observe(Task? read) => read?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>The agent's limits and pacing.</summary>
    AgentWorkStart Pace(CrewDefinition crew, AgentDefinition agent, AgentWorkInput input)
    {
        var scopes = new List<RateScope>();
        if (crew.MaxRpm is int crewRpm)
        {
            scopes.Add(new RateScope("crew", crewRpm));
        }

        if (agent.MaxRpm is int agentRpm)
        {
            scopes.Add(new RateScope($"agent:{agent.Role}", agentRpm));
        }

        return new AgentWorkStart
        {
            Agent = agent.Role,
            MaxIter = Math.Max(1, agent.MaxIter),
            MaxRetryLimit = Math.Max(0, agent.MaxRetryLimit),
            RateScopes = scopes,
            RateLimitWindowSeconds = options.RateLimitWindowSeconds,
            RetryDelaySeconds = options.RetryDelaySeconds,
            MaxRetryDelaySeconds = options.MaxRetryDelaySeconds,
            HumanInputTimeoutSeconds = options.HumanInputTimeoutSeconds,
        };
    }

    async Task<AgentWorkState> BeginTaskAsync(AgentWorkInput input, CrewDefinition crew, AgentDefinition agent, TaskDefinition task, IReadOnlyList<TaskOutput?> stored, CancellationToken cancellationToken)
    {
        var context = new List<TaskOutput>();
        for (int i = 0; i < input.Context.Count; i++)
        {
            var output = stored[i] ?? throw new InvalidOperationException($"Task '{task.Name}' needs the output of '{crew.Tasks[input.Context[i]].Name}', which is not stored.");
            context.AddRange(await ItemsOrSelfAsync(input.RunId, output, cancellationToken).ConfigureAwait(false));
        }

        if (input.Item is { } item)
        {
            task = await ForEachItems.TaskForAsync(runs, input.RunId, input.TaskIndex, task, item, cancellationToken).ConfigureAwait(false);
        }

        var (recalled, known) = await RecallAsync(input.RunId, crew, agent, CrewMemory.QueryOf(task), cancellationToken).ConfigureAwait(false);
        if (crew.Planning && await runs.GetWorkAsync(input.RunId, AgentWorkInput.PlanningKey, cancellationToken).ConfigureAwait(false) is { Answer: { } plan }
            && PlanningPrompt.Read(plan, crew.Tasks.Select(t => t.Name)).GetValueOrDefault(task.Name) is { } steps)
        {
            task = task with { Description = $"{task.Description.TrimEnd()}\n\n{PlanningPrompt.PlanIntro}\n{steps}" };
        }

        var work = NewWork(input, crew, agent, "task");
        bool offersTools = (task.Tools ?? agent.Tools).Count > 0 || work.Coworkers.Count > 0;
        work = work with
        {
            Context = context.Select(c => c.Name).ToList(),
            MustDelegateFirst = crew.Process == CrewProcess.Hierarchical,
            Messages = Conversation.Save([PromptBuilder.System(agent), PromptBuilder.Task(task, context, recalled.Select(CrewMemory.Describe).ToList(), known.Select(CrewKnowledge.Describe).ToList(), offersTools)]),
        };
        await runs.StageWorkAsync(work, cancellationToken).ConfigureAwait(false);
        return work;
    }

    /// <summary>
    /// What a task given as context contributes: its output; a for_each task's item outputs, in item order; nothing
    /// for a skipped task.
    /// </summary>
    async Task<IReadOnlyList<TaskOutput>> ItemsOrSelfAsync(string runId, TaskOutput output, CancellationToken cancellationToken)
    {
        if (output.Skipped is not null)
        {
            return [];
        }

        if (output.Items is null)
        {
            return [output];
        }

        var outputs = await runs.GetItemOutputsAsync(runId, output, cancellationToken).ConfigureAwait(false);
        return outputs.Select((o, k) => o ?? throw new InvalidOperationException($"The output of '{TaskOutput.ItemName(output.Name, k)}' is not stored.")).ToList();
    }


    async Task<AgentWorkState> BeginDelegationAsync(AgentWorkInput input, CrewDefinition crew, AgentDefinition agent, DelegationRecord delegation, CancellationToken cancellationToken)
    {
        // A coworker recalls what is relevant to the work it was handed, as it would for a crew task.
        var asked = new TaskDefinition { Name = input.Key.Replace('/', '-'), Description = $"{delegation.Task}\n{delegation.Context}", ExpectedOutput = string.Empty };
        var (recalled, known) = await RecallAsync(input.RunId, crew, agent, CrewMemory.QueryOf(asked), cancellationToken).ConfigureAwait(false);
        var work = NewWork(input, crew, agent, delegation.Kind) with
        {
            Messages = Conversation.Save([PromptBuilder.System(agent), PromptBuilder.Delegated(delegation, recalled.Select(CrewMemory.Describe).ToList(), known.Select(CrewKnowledge.Describe).ToList())]),
        };
        await runs.StageWorkAsync(work, cancellationToken).ConfigureAwait(false);
        return work;
    }

    /// <summary>The memories and the knowledge relevant to a query, the query embedded once for both (not at all when neither is on).</summary>
    async Task<(IReadOnlyList<MemoryMatch> Memories, IReadOnlyList<MemoryMatch> Knowledge)> RecallAsync(string runId, CrewDefinition crew, AgentDefinition agent, string query, CancellationToken cancellationToken)
    {
        if (!CrewMemory.IsOn(crew, agent) && !CrewKnowledge.Has(crew, agent))
        {
            return ([], []);
        }

        float[] vector = await memory.EmbedAsync(crew, query, cancellationToken).ConfigureAwait(false);
        return (await memory.RecallAsync(runId, crew, agent, vector, cancellationToken).ConfigureAwait(false),
            await knowledge.SearchAsync(crew, agent, vector, cancellationToken: cancellationToken).ConfigureAwait(false));
    }

    AgentWorkState NewWork(AgentWorkInput input, CrewDefinition crew, AgentDefinition agent, string kind)
    {
        ModelReference.TryParse(agent.Llm ?? crew.Llm, out var reference, out _);
        return new AgentWorkState
        {
            RunId = input.RunId,
            Key = input.Key,
            TaskIndex = input.TaskIndex,
            Item = kind == "task" ? input.Item : null,
            Kind = kind,
            Agent = agent.Role,
            Model = models.Resolve(reference).Description,
            Depth = input.Depth,
            Coworkers = ManagerPersona.Coworkers(crew, agent),
            Messages = Conversation.Save(Array.Empty<ChatMessage>()),
            StartedAt = time.GetUtcNow(),
        };
    }
}
