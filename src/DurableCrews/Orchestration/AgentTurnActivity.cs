using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DurableCrews.Agents;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace DurableCrews.Orchestration;

/// <summary>
/// One model turn of one agent's work. It first hands the model the results of the delegations it asked for, then
/// asks it for the next step: an answer, or more delegations, which come back to the orchestrator to run as
/// sub-orchestrations. Delegation calls that cannot run (unknown coworker, bad arguments, too deep) and calls
/// identical to one already answered in this run are answered here, without a child. A 429 or 5xx from the model
/// is returned, not thrown, so the orchestrator waits on a durable timer. A turn recorded before is not asked again.
/// </summary>
public sealed class AgentTurnActivity : TaskActivity<AgentTurnRequest, AgentTurnOutcome>
{
    /// <summary>The message that asks an agent at its <c>max_iter</c> for its final answer.</summary>
    public const string FinalAnswerNow = "You have used the most steps you are allowed. Stop using tools and give your best final answer now, with everything you know.";

    readonly RunStore runs;
    readonly IChatClientProvider models;
    readonly ResponseCache cache;
    readonly ToolResultCache tools;
    readonly ExecutionOptions options;
    readonly TimeProvider time;
    readonly ModelRequestSlots slots;
    readonly InFlightModelCalls inFlight;

    /// <summary>Creates the activity.</summary>
    public AgentTurnActivity(RunStore runs, IChatClientProvider models, ResponseCache cache, ToolResultCache tools, IOptions<ExecutionOptions> options, TimeProvider time, ModelRequestSlots slots, InFlightModelCalls inFlight)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(slots);
        ArgumentNullException.ThrowIfNull(inFlight);
        this.slots = slots;
        this.inFlight = inFlight;
        this.runs = runs;
        this.models = models;
        this.cache = cache;
        this.tools = tools;
        this.options = options.Value;
        this.time = time;
    }

    /// <inheritdoc />
    public override Task<AgentTurnOutcome> RunAsync(TaskActivityContext context, AgentTurnRequest input) => ExecuteAsync(input);

    /// <summary>Takes the turn and says what it came to.</summary>
    public async Task<AgentTurnOutcome> ExecuteAsync(AgentTurnRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var work = await runs.GetWorkAsync(request.RunId, request.Key, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Work '{request.Key}' of run '{request.RunId}' has not begun.");
        if (work.LastTurn is { } last && last.Turn == request.Turn)
        {
            return last.Outcome.Deserialize<AgentTurnOutcome>(CrewJson.Options)!;
        }

        var run = await runs.RequireRunAsync(request.RunId, cancellationToken).ConfigureAwait(false);
        var crew = run.Definition;
        var messages = Conversation.Load(work.Messages);
        work = await DeliverToolResultsAsync(work, crew, messages, request.FailedDelegations, cancellationToken).ConfigureAwait(false);
        if (request.Feedback is { } feedback)
        {
            messages.Add(new ChatMessage(ChatRole.User, GuardrailPrompt.Revision(work.Answer ?? string.Empty, feedback)));
        }

        IList<ChatMessage> prompt = messages;
        ChatOptions? chatOptions = null;
        switch (request.Mode)
        {
            case AgentTurnMode.Guardrail:
                prompt = GuardrailPrompt.Build(crew.Tasks[work.TaskIndex].Guardrail ?? string.Empty, work.Answer ?? string.Empty);
                break;
            case AgentTurnMode.FinalAnswer:
                messages.Add(new ChatMessage(ChatRole.User, FinalAnswerNow));
                break;
            case AgentTurnMode.Work when work.Coworkers.Count > 0:
                chatOptions = new ChatOptions
                {
                    Tools = DelegationTools.For(work.Coworkers, crew.Agents.GroupBy(a => a.Role).ToDictionary(g => g.Key, g => g.First().Goal)),
                    ToolMode = work.MustDelegateFirst && work.Turns == 0 ? ChatToolMode.RequireAny : ChatToolMode.Auto,
                };
                break;
        }

        var agent = work.Kind == "plan" ? PlanningPrompt.Planner(crew)
            : crew.Agents.FirstOrDefault(a => a.Role == work.Agent) ?? (crew.Process == CrewProcess.Hierarchical ? ManagerPersona.For(crew) : null);
        ModelReference.TryParse(agent?.Llm ?? crew.Llm, out var reference, out _);
        var model = models.Resolve(reference);
        IChatClient sender = request.RateScopes is { Count: > 0 } scopes
            ? new RateLimitedChatClient(model.Client, slots, request.RunId, scopes, TimeSpan.FromSeconds(request.RateLimitWindowSeconds), time)
            : model.Client;
        var client = crew.Cache ? new CachingCrewChatClient(sender, cache, model.Description) : null;
        ChatResponse response;
        try
        {
            using var call = inFlight.Start($"{request.RunId}/{request.Key}", cancellationToken);
            response = await (client ?? sender).GetResponseAsync(prompt, chatOptions, call.Token).ConfigureAwait(false);
        }
        catch (RequestSlotUnavailableException full)
        {
            return new AgentTurnOutcome { RateLimitedUntil = full.FreesAt };
        }
        catch (Exception ex) when (ModelThrottledException.From(ex, time.GetUtcNow()) is { } throttled)
        {
            return new AgentTurnOutcome { Throttled = true, RetryAfterSeconds = throttled.RetryAfter?.TotalSeconds, Error = throttled.Message };
        }

        var usage = UsageOf(response, client);
        AgentTurnOutcome outcome;
        if (request.Mode == AgentTurnMode.Guardrail)
        {
            var (passed, reason) = GuardrailPrompt.Read(response.Text);
            outcome = new AgentTurnOutcome { Answered = true, Passed = passed, Reason = passed ? null : reason, TokenUsage = usage };
        }
        else
        {
            messages.AddRange(response.Messages);
            var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
            if (calls.Count > 0 && chatOptions is not null)
            {
                (work, var orders, var cacheUse) = await OrderDelegationsAsync(work, crew, calls, cancellationToken).ConfigureAwait(false);
                usage = usage.Add(cacheUse);
                outcome = new AgentTurnOutcome { Delegations = orders, TokenUsage = usage };
            }
            else
            {
                work = work with { Answer = response.Text };
                outcome = new AgentTurnOutcome { Answered = true, TokenUsage = usage };
            }
        }

        work = work with
        {
            Messages = Conversation.Save(messages),
            Turns = work.Turns + 1,
            Usage = work.Usage.Add(usage),
            LastTurn = new AgentTurnRecord(request.Turn, JsonSerializer.SerializeToElement(outcome, CrewJson.Options)),
        };
        await runs.SaveWorkAsync(work, cancellationToken).ConfigureAwait(false);
        return outcome;
    }

    /// <summary>Adds the owed tool results to the conversation, reading each finished delegation's answer.</summary>
    async Task<AgentWorkState> DeliverToolResultsAsync(AgentWorkState work, CrewDefinition crew, List<ChatMessage> messages, IReadOnlyDictionary<string, string>? failed, CancellationToken cancellationToken)
    {
        if (work.Pending.Count == 0)
        {
            return work;
        }

        var results = new List<AIContent>();
        var delegations = work.Delegations.ToList();
        foreach (var pending in work.Pending)
        {
            string result = pending.Result ?? string.Empty;
            if (pending.ChildKey is { } key)
            {
                var child = await runs.GetWorkAsync(work.RunId, key, cancellationToken).ConfigureAwait(false);
                if (child?.Answer is { } answer && child.FinishedAt is { } finished)
                {
                    result = answer;
                    delegations.Add(pending.Delegation! with
                    {
                        StartedAt = child.StartedAt,
                        FinishedAt = finished,
                        Output = answer,
                        TokenUsage = child.Usage.Add(TokenUsage.Sum(child.Delegations.Select(d => d.TokenUsage))),
                        Delegations = child.Delegations,
                        Retries = child.Retries,
                        Waits = child.Waits,
                    });
                    await KeepAnswerAsync(work.RunId, pending.DelegationHash!, new DelegationAnswer(key, answer), cancellationToken).ConfigureAwait(false);
                    if (crew.Cache)
                    {
                        await tools.SaveAsync(ToolKey(crew, pending.Delegation!), pending.Delegation!.Kind, answer, cancellationToken).ConfigureAwait(false);
                    }
                }
                else
                {
                    string reason = failed?.GetValueOrDefault(key) ?? "it ended without an answer";
                    result = $"Error: your coworker {pending.Delegation!.Coworker} could not finish this: {reason}";
                    delegations.Add(pending.Delegation with { FinishedAt = time.GetUtcNow(), Output = result });
                }
            }
            else if (pending.Delegation is { } reused)
            {
                delegations.Add(reused);
            }

            results.Add(new FunctionResultContent(pending.CallId, result));
        }

        messages.Add(new ChatMessage(ChatRole.Tool, results));
        return work with { Pending = [], Delegations = delegations };
    }

    /// <summary>Reads the model's delegation calls into tool results owed and the children to start.</summary>
    async Task<(AgentWorkState Work, IReadOnlyList<DelegationOrder> Orders, TokenUsage CacheUse)> OrderDelegationsAsync(AgentWorkState work, CrewDefinition crew, IReadOnlyList<FunctionCallContent> calls, CancellationToken cancellationToken)
    {
        int hits = 0;
        int misses = 0;
        var pending = new List<PendingToolResult>();
        var orders = new List<DelegationOrder>();
        var thisTurn = new Dictionary<string, string>(StringComparer.Ordinal);
        int started = work.DelegationsStarted;
        var now = time.GetUtcNow();
        foreach (var call in calls)
        {
            var (delegation, error) = DelegationTools.Read(call, work.Coworkers);
            if (delegation is null)
            {
                pending.Add(new PendingToolResult { CallId = call.CallId, Result = error });
                continue;
            }

            if (work.Depth >= options.MaxDelegationDepth)
            {
                pending.Add(new PendingToolResult { CallId = call.CallId, Result = $"Error: delegation is limited to {options.MaxDelegationDepth} levels and this work is {work.Depth} deep. Do the work yourself and give your answer." });
                continue;
            }

            string hash = HashOf(delegation);
            var record = new DelegationRecord
            {
                InstanceId = string.Empty,
                Kind = delegation.Kind,
                Coworker = delegation.Coworker,
                Task = delegation.Text,
                Context = delegation.Context,
                DelegatedBy = work.Agent,
                StartedAt = now,
            };
            var (earlier, _) = await runs.ReadVersionedAsync<DelegationAnswer>(RunStore.DelegationAnswerBlob(work.RunId, hash), cancellationToken).ConfigureAwait(false);
            if (earlier is not null)
            {
                pending.Add(new PendingToolResult
                {
                    CallId = call.CallId,
                    Result = earlier.Answer,
                    Delegation = record with { InstanceId = $"{work.RunId}/{earlier.Key}", FinishedAt = now, Output = earlier.Answer, Reused = true },
                });
                continue;
            }

            if (crew.Cache && !thisTurn.ContainsKey(hash) && await tools.GetAsync(ToolKey(crew, record), cancellationToken).ConfigureAwait(false) is { } cached)
            {
                hits++;
                pending.Add(new PendingToolResult { CallId = call.CallId, Result = cached, Delegation = record with { InstanceId = "crew-cache", FinishedAt = now, Output = cached, Reused = true } });
                continue;
            }

            if (!thisTurn.TryGetValue(hash, out string? key))
            {
                misses += crew.Cache ? 1 : 0;
                key = $"{work.Key}/d{++started}";
                thisTurn[hash] = key;
                orders.Add(new DelegationOrder(key, delegation.Coworker));
            }

            pending.Add(new PendingToolResult { CallId = call.CallId, ChildKey = key, DelegationHash = hash, Delegation = record with { InstanceId = $"{work.RunId}/{key}" } });
        }

        return (work with { Pending = pending, DelegationsStarted = started }, orders, new TokenUsage { CacheHits = hits, CacheMisses = misses });
    }

    static string ToolKey(CrewDefinition crew, DelegationRecord delegation) =>
        ToolResultCache.KeyOf(crew.Name, delegation.Kind, delegation.Coworker, delegation.Task, delegation.Context);

    async Task KeepAnswerAsync(string runId, string hash, DelegationAnswer answer, CancellationToken cancellationToken)
    {
        try
        {
            await runs.WriteVersionedAsync(RunStore.DelegationAnswerBlob(runId, hash), answer, etag: null, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobConditionFailedException)
        {
            // A parallel branch kept the same delegation's answer first; either answer serves.
        }
    }

    static string HashOf(DelegationCall call) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', call.Kind, call.Coworker, call.Text.Trim(), call.Context.Trim()))));

    static TokenUsage UsageOf(ChatResponse response, CachingCrewChatClient? client)
    {
        if (client is { Hits: > 0 })
        {
            return new TokenUsage { CacheHits = client.Hits };
        }

        long prompt = response.Usage?.InputTokenCount ?? 0;
        long completion = response.Usage?.OutputTokenCount ?? 0;
        return new TokenUsage
        {
            PromptTokens = prompt,
            CompletionTokens = completion,
            TotalTokens = response.Usage?.TotalTokenCount ?? prompt + completion,
            SuccessfulRequests = 1,
            CacheMisses = client?.Misses ?? 0,
        };
    }
}
