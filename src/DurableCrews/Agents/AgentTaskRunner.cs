using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.Extensions.AI;

namespace DurableCrews.Agents;

/// <summary>Runs one agent on one task: builds the prompt, asks the agent's model, and reads the answer.</summary>
public sealed class AgentTaskRunner
{
    readonly IChatClientProvider models;
    readonly ResponseCache cache;
    readonly TimeProvider time;

    /// <summary>Creates the runner.</summary>
    public AgentTaskRunner(IChatClientProvider models, ResponseCache cache, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(time);
        this.models = models;
        this.cache = cache;
        this.time = time;
    }

    /// <summary>
    /// Runs <paramref name="task"/> (at <paramref name="index"/> in <paramref name="crew"/>) with the given context
    /// and recalled memories; with the crew's <c>cache</c> on, an identical earlier request is answered from the cache.
    /// </summary>
    public async Task<AgentTaskResult> RunAsync(CrewDefinition crew, int index, IReadOnlyList<TaskOutput> context, IReadOnlyList<string>? memories = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(crew);
        ArgumentNullException.ThrowIfNull(context);
        var task = crew.Tasks[index];
        var agent = crew.FindAgent(task.Agent ?? string.Empty)
            ?? throw new InvalidOperationException($"Task '{task.Name}' has no agent to run it.");
        ModelReference.TryParse(agent.Llm ?? crew.Llm, out var reference, out _);
        var model = models.Resolve(reference);

        var started = time.GetUtcNow();
        List<ChatMessage> messages = [PromptBuilder.System(agent), PromptBuilder.Task(task, context, memories)];
        var client = crew.Cache ? new CachingCrewChatClient(model.Client, cache, model.Description) : null;
        var response = await (client ?? model.Client).GetResponseAsync(messages, cancellationToken: cancellationToken).ConfigureAwait(false);
        string raw = response.Text;
        var (json, jsonError) = task.OutputJson is { } schema ? OutputJsonParser.Parse(raw, schema) : (null, null);

        var output = new TaskOutput
        {
            Name = task.Name,
            Index = index,
            Description = task.Description,
            ExpectedOutput = task.ExpectedOutput,
            Agent = agent.Role,
            Model = model.Description,
            Raw = raw,
            Json = json,
            JsonError = jsonError,
            Context = context.Select(c => c.Name).ToList(),
            StartedAt = started,
            FinishedAt = time.GetUtcNow(),
            TokenUsage = client is { Hits: > 0 } ? new TokenUsage { CacheHits = client.Hits } : UsageOf(response) with { CacheMisses = client?.Misses ?? 0 },
        };
        var transcript = new Transcript
        {
            Model = model.Description,
            Messages = [.. messages.Select(m => new TranscriptMessage(m.Role.Value, m.Text)), new TranscriptMessage(ChatRole.Assistant.Value, raw)],
        };
        return new AgentTaskResult(output, transcript);
    }

    static TokenUsage UsageOf(ChatResponse response)
    {
        long prompt = response.Usage?.InputTokenCount ?? 0;
        long completion = response.Usage?.OutputTokenCount ?? 0;
        return new TokenUsage
        {
            PromptTokens = prompt,
            CompletionTokens = completion,
            TotalTokens = response.Usage?.TotalTokenCount ?? prompt + completion,
            SuccessfulRequests = 1,
        };
    }
}
