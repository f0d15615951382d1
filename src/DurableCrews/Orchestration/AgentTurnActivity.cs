using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DurableCrews.Agents;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Runs;
using DurableCrews.Storage;
using DurableCrews.Tools;
using Microsoft.DurableTask;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
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
    // Each model's client is traced by one OpenTelemetry wrapper (it owns an activity source and a meter), made on first use
    // and kept as long as the client lives, never one per turn.
    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IChatClient, IChatClient> Traced = new();

    /// <summary>The most tool calls and delegations one turn starts; the model is told to ask for the rest in its next turn.</summary>
    public const int MaxCallsPerTurn = 16;

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
    readonly CrewTools crewTools;
    readonly BeginAgentWorkActivity begin;
    readonly FinishAgentWorkActivity finish;
    readonly CompleteRunActivity complete;
    readonly Microsoft.Extensions.Logging.ILogger logger;

    /// <summary>Creates the activity.</summary>
    public AgentTurnActivity(RunStore runs, IChatClientProvider models, ResponseCache cache, ToolResultCache tools, IOptions<ExecutionOptions> options, TimeProvider time, ModelRequestSlots slots, InFlightModelCalls inFlight, CrewTools crewTools,
        BeginAgentWorkActivity begin, FinishAgentWorkActivity finish, CompleteRunActivity complete, Microsoft.Extensions.Logging.ILogger<AgentTurnActivity> logger)
    {
        this.complete = complete;
        this.crewTools = crewTools;
        this.begin = begin;
        this.finish = finish;
        this.logger = logger;
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

    /// <summary>
    /// Takes the turn and says what it came to; begins the work first and finishes it after, when the request asks
    /// (a folded work), so that a one-turn task is one activity; the run's last task completes the run too. Each part reads what is stored before it acts, so a
    /// redelivered turn never begins twice, never asks the model a recorded turn again, and finishes idempotently.
    /// </summary>
    public async Task<AgentTurnOutcome> ExecuteAsync(AgentTurnRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var once = runs.ReadRunsOnce(request.RunId, request.RunETag);
        AgentWorkStart? start = null;
        if (request.Begin is { } input)
        {
            try
            {
                start = await begin.ExecuteAsync(input, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Nothing was asked of the model: the orchestrator begins the work with its own activity, retried as storage work is.
                logger.LogWarning(ex, "Beginning work {Key} of run {RunId} with its first turn failed; it is begun on its own", input.Key, input.RunId);
                return new AgentTurnOutcome { Error = $"The work could not begin: {ex.Message}" };
            }

            if (start.Finished is not null)
            {
                return new AgentTurnOutcome { Start = start };
            }

            request = request with
            {
                RateScopes = start.RateScopes,
                RateLimitWindowSeconds = start.RateLimitWindowSeconds,
                Mode = request.Mode == AgentTurnMode.Work && start.MaxIter <= 1 ? AgentTurnMode.FinalAnswer : request.Mode,
            };
        }

        bool finishes = request.Finish is not null && request.Mode != AgentTurnMode.Guardrail && start is not { Guardrail: true } and not { HumanInput: true };
        var outcome = await TakeTurnAsync(request, stageAnswer: finishes, cancellationToken).ConfigureAwait(false) with { Start = start };
        if (finishes && outcome.Answered && outcome.JsonError is null && request.Finish is { } finishing)
        {
            try
            {
                outcome = outcome with { Summary = await finish.ExecuteAsync(finishing, cancellationToken).ConfigureAwait(false) };
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The answer is stored: the orchestrator finishes the work with its own activity, retried as storage work is.
                logger.LogWarning(ex, "Finishing work {Key} of run {RunId} with its last turn failed; it is finished on its own", finishing.Key, finishing.RunId);
            }
        }

        // What is still staged is written before the turn reports: the work a turn that sent nothing (no request slot, a
        // 429) began, or the answer of a turn whose finish failed.
        await runs.SaveStagedWorksAsync(cancellationToken).ConfigureAwait(false);
        if (outcome.Summary is not null && request.Complete is { } completing)
        {
            try
            {
                outcome = outcome with { Run = await complete.ExecuteAsync(completing, cancellationToken).ConfigureAwait(false) };
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The task is finished: the orchestrator completes the run with its own activity, retried as storage work is.
                logger.LogWarning(ex, "Completing run {RunId} with its last task's turn failed; it is completed on its own", completing.RunId);
            }
        }

        return outcome;
    }

    /// <summary>
    /// Asks the model (unless the turn is recorded) and stores what it said: at once, or, for an answer that the same
    /// activity goes on to finish (<paramref name="stageAnswer"/>), staged to be written by the finish together with the
    /// transcript and before the output, one storage round trip fewer on the path to the answer.
    /// </summary>
    async Task<AgentTurnOutcome> TakeTurnAsync(AgentTurnRequest request, bool stageAnswer, CancellationToken cancellationToken)
    {
        var work = await runs.GetWorkAsync(request.RunId, request.Key, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Work '{request.Key}' of run '{request.RunId}' has not begun.");
        if (work.LastTurn is { } last && last.Turn == request.Turn)
        {
            return last.Outcome.Deserialize<AgentTurnOutcome>(CrewJson.Options)!;
        }

        var run = await runs.RequireRunAsync(request.RunId, cancellationToken).ConfigureAwait(false);
        var crew = run.Definition;
        var messages = Conversation.Load(work.Messages);
        (work, string? toolAnswer) = await DeliverToolResultsAsync(work, crew, messages, request, cancellationToken).ConfigureAwait(false);
        if (toolAnswer is not null && request.Mode != AgentTurnMode.Guardrail)
        {
            // A tool with result_as_answer answered: its result is the agent's answer, and the model is not asked again.
            var answered = new AgentTurnOutcome { Answered = true };
            await runs.SaveWorkAsync(work with
            {
                Answer = toolAnswer,
                Messages = Conversation.Save(messages),
                LastTurn = new AgentTurnRecord(request.Turn, JsonSerializer.SerializeToElement(answered, CrewJson.Options)),
            }, cancellationToken).ConfigureAwait(false);
            return answered;
        }

        if (request.Feedback is { } feedback)
        {
            messages.Add(new ChatMessage(ChatRole.User, GuardrailPrompt.Revision(work.Answer ?? string.Empty, feedback)));
        }

        var agent = work.Kind == "plan" ? PlanningPrompt.Planner(crew)
            : crew.Agents.FirstOrDefault(a => a.Role == work.Agent) ?? (crew.Process == CrewProcess.Hierarchical ? ManagerPersona.For(crew) : null);
        IList<ChatMessage> prompt = messages;
        ChatOptions? chatOptions = null;
        IReadOnlyList<AgentTool> agentTools = [];
        var schema = StructuredAnswer.SchemaOf(crew, work.Kind, work.TaskIndex);
        switch (request.Mode)
        {
            case AgentTurnMode.Guardrail:
                prompt = GuardrailPrompt.Build(crew.Tasks[work.TaskIndex].Guardrail ?? string.Empty, work.Answer ?? string.Empty);
                break;
            case AgentTurnMode.FinalAnswer:
                messages.Add(new ChatMessage(ChatRole.User, FinalAnswerNow));
                break;
            case AgentTurnMode.FixJson when schema is { } owed:
                messages.Add(new ChatMessage(ChatRole.User, StructuredAnswer.FixRequest(StructuredAnswer.ErrorOf(owed, work.Answer) ?? "it does not match", owed)));
                break;
            case AgentTurnMode.Work:
                agentTools = await crewTools.ForAgentAsync(crew, WithTaskTools(crew, work, agent), cancellationToken).ConfigureAwait(false);
                var offered = new List<AITool>();
                if (work.Coworkers.Count > 0)
                {
                    offered.AddRange(DelegationTools.For(work.Coworkers, crew.Agents.GroupBy(a => a.Role).ToDictionary(g => g.Key, g => g.First().Goal)));
                }

                offered.AddRange(agentTools.Select(t => AIFunctionFactory.CreateDeclaration(t.Name, t.Description, t.Schema)));
                if (offered.Count > 0)
                {
                    chatOptions = new ChatOptions
                    {
                        Tools = offered,
                        ToolMode = work.MustDelegateFirst && work.Turns == 0 ? ChatToolMode.RequireAny : ChatToolMode.Auto,
                    };
                }

                break;
        }

        // CrewAI's function_calling_llm takes the turns that may call tools; the agent's llm the others.
        string? llm = chatOptions is not null ? agent?.FunctionCallingLlm ?? crew.FunctionCallingLlm ?? agent?.Llm ?? crew.Llm : agent?.Llm ?? crew.Llm;
        ModelReference.TryParse(llm, out var reference, out _);
        var model = models.Resolve(reference);
        chatOptions = request.Mode == AgentTurnMode.Guardrail ? chatOptions : StructuredAnswer.WithResponseFormat(chatOptions, schema, model);
        var traced = Traced.GetValue(model.Client, client => new ChatClientBuilder(client).UseOpenTelemetry(sourceName: Telemetry.CrewTelemetry.GenAiSourceName).Build());
        IChatClient sender = request.RateScopes is { Count: > 0 } scopes
            ? new RateLimitedChatClient(traced, slots, request.RunId, scopes, TimeSpan.FromSeconds(request.RateLimitWindowSeconds), time)
            : traced;
        var client = crew.Cache ? new CachingCrewChatClient(sender, cache, model.Description) : null;
        ChatResponse response;
        var sent = time.GetUtcNow();
        using var live = Telemetry.CrewTelemetry.GenAiSource.StartActivity($"invoke_agent {work.Agent}", ActivityKind.Internal, default(ActivityContext),
            [new(Telemetry.CrewTelemetry.RunIdAttribute, request.RunId), new("gen_ai.operation.name", "invoke_agent"), new("gen_ai.agent.name", work.Agent), new("durablecrews.work", request.Key), new("durablecrews.turn", request.Turn)]);
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

        live?.Stop();
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
            if (calls.Count > 0 && chatOptions?.Tools is { Count: > 0 })
            {
                (work, var orders, var toolOrders, var cacheUse) = await OrderCallsAsync(work, crew, calls, agentTools, request.Turn, cancellationToken).ConfigureAwait(false);
                usage = usage.Add(cacheUse);
                outcome = new AgentTurnOutcome { Delegations = orders, ToolCalls = toolOrders, TokenUsage = usage };
            }
            else
            {
                work = work with { Answer = response.Text };
                outcome = new AgentTurnOutcome { Answered = true, TokenUsage = usage, JsonError = request.Mode == AgentTurnMode.FixJson ? null : StructuredAnswer.ErrorOf(schema, response.Text) };
            }
        }

        var modelCall = new ModelCallRecord
        {
            Turn = request.Turn,
            Model = work.Model,
            StartedAt = sent,
            FinishedAt = time.GetUtcNow(),
            InputTokens = usage.PromptTokens,
            OutputTokens = usage.CompletionTokens,
            CacheHit = usage.CacheHits > 0,
            Outcome = request.Mode switch { AgentTurnMode.Guardrail => "guardrail", AgentTurnMode.FixJson => "fix_json", _ => outcome.Answered ? "answer" : "tool_calls" },
            SpanContext = live?.Id,
        };
        Telemetry.CrewTelemetry.ModelCalled(modelCall);
        work = work with
        {
            ModelCalls = [.. work.ModelCalls, modelCall],
            Messages = Conversation.Save(messages),
            Turns = work.Turns + 1,
            Usage = work.Usage.Add(usage),
            LastTurn = new AgentTurnRecord(request.Turn, JsonSerializer.SerializeToElement(outcome, CrewJson.Options)),
        };
        await (stageAnswer && outcome.Answered ? runs.StageWorkAsync(work, cancellationToken) : runs.SaveWorkAsync(work, cancellationToken)).ConfigureAwait(false);
        return outcome;
    }

    /// <summary>
    /// Adds the owed tool results to the conversation, reading each finished delegation's answer and each tool call's
    /// stored result; also returns the result of a <c>result_as_answer</c> tool, which ends the work.
    /// </summary>
    async Task<(AgentWorkState Work, string? Answer)> DeliverToolResultsAsync(AgentWorkState work, CrewDefinition crew, List<ChatMessage> messages, AgentTurnRequest request, CancellationToken cancellationToken)
    {
        if (work.Pending.Count == 0)
        {
            return (work, null);
        }

        var failed = request.FailedDelegations;
        var results = new List<AIContent>();
        var delegations = work.Delegations.ToList();
        var toolCalls = work.ToolCalls.ToList();
        string? toolAnswer = null;

        // The stored results of a turn's calls are read at once, and the answers kept at once after: a manager with 16
        // coworkers waits for one storage round trip each way, not 16.
        var toolResults = work.Pending.Where(p => p.ToolIndex is not null)
            .ToDictionary(p => p.ToolIndex!.Value, p => ToolResultAsync(work, p, p.ToolIndex!.Value, request.FailedTools, cancellationToken));
        var children = work.Pending.Select(p => p.ChildKey).OfType<string>().Distinct(StringComparer.Ordinal)
            .ToDictionary(key => key, key => runs.GetWorkAsync(work.RunId, key, cancellationToken), StringComparer.Ordinal);
        var keeping = new List<Task>();
        foreach (var pending in work.Pending)
        {
            string result = pending.Result ?? string.Empty;
            if (pending.ToolIndex is int index)
            {
                var (record, error) = await toolResults[index].ConfigureAwait(false);
                result = error is null ? record.Result ?? string.Empty : $"Error: the tool {pending.Tool} failed: {error}";
                toolCalls.Add(record with { Result = null, Error = error });
                if (error is null && toolAnswer is null && crew.FindTool(pending.ToolDefinition ?? string.Empty) is { ResultAsAnswer: true })
                {
                    toolAnswer = result;
                }
            }
            else if (pending.ChildKey is { } key)
            {
                var child = await children[key].ConfigureAwait(false);
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
                        ToolCalls = child.ToolCalls,
                        ModelCalls = child.ModelCalls,
                        Retries = child.Retries,
                        Waits = child.Waits,
                    });
                    keeping.Add(KeepAnswerAsync(work.RunId, pending.DelegationHash!, new DelegationAnswer(key, answer), cancellationToken));
                    if (crew.Cache)
                    {
                        keeping.Add(tools.SaveAsync(ToolKey(crew, pending.Delegation!), pending.Delegation!.Kind, answer, cancellationToken));
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

        await Task.WhenAll(keeping).ConfigureAwait(false);
        messages.Add(new ChatMessage(ChatRole.Tool, results));
        return (work with { Pending = [], Delegations = delegations, ToolCalls = toolCalls }, toolAnswer);
    }

    /// <summary>A tool call's stored record, or why it has none: it failed or timed out (the orchestrator says), or never finished.</summary>
    async Task<(ToolCallRecord Record, string? Error)> ToolResultAsync(AgentWorkState work, PendingToolResult pending, int index, IReadOnlyDictionary<string, string>? failedTools, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stub = new ToolCallRecord
        {
            Tool = pending.Tool ?? string.Empty,
            Definition = pending.ToolDefinition,
            Agent = work.Agent,
            Turn = pending.ToolTurn,
            Index = index,
            Arguments = ToolCallRecord.ArgumentsText(pending.Arguments),
            StartedAt = now,
            FinishedAt = now,
        };
        if (failedTools?.GetValueOrDefault(index.ToString(System.Globalization.CultureInfo.InvariantCulture)) is { } error)
        {
            return (stub, error);
        }

        var (record, _) = await runs.ReadVersionedAsync<ToolCallRecord>(RunStore.ToolCallBlob(work.RunId, work.Key, pending.ToolTurn, index), cancellationToken).ConfigureAwait(false);
        return record is null ? (stub, "the call did not finish") : (record, null);
    }

    /// <summary>Reads the model's calls into tool results owed, the children to start and the tool calls to run.</summary>
    async Task<(AgentWorkState Work, IReadOnlyList<DelegationOrder> Orders, IReadOnlyList<ToolCallOrder> ToolOrders, TokenUsage CacheUse)> OrderCallsAsync(
        AgentWorkState work, CrewDefinition crew, IReadOnlyList<FunctionCallContent> calls, IReadOnlyList<AgentTool> agentTools, int turn, CancellationToken cancellationToken)
    {
        var toolOrders = new List<ToolCallOrder>();
        int hits = 0;
        int misses = 0;
        var pending = new List<PendingToolResult>();
        var orders = new List<DelegationOrder>();
        var thisTurn = new Dictionary<string, string>(StringComparer.Ordinal);
        int started = work.DelegationsStarted;
        var now = time.GetUtcNow();
        foreach (var call in calls)
        {
            if (toolOrders.Count + orders.Count >= MaxCallsPerTurn)
            {
                pending.Add(new PendingToolResult { CallId = call.CallId, Result = $"Error: one turn runs at most {MaxCallsPerTurn} tool calls and delegations; this one was not run. Ask for it again in your next turn if you still need it." });
                continue;
            }

            if (DelegationTools.KindOf(call.Name) is null)
            {
                var tool = agentTools.FirstOrDefault(t => t.Name == call.Name);
                if (tool is null)
                {
                    var offeredNames = agentTools.Select(t => t.Name).Concat(work.Coworkers.Count > 0 ? [DelegationTools.DelegateWork, DelegationTools.AskQuestion] : []).Distinct(StringComparer.Ordinal).ToList();
                    string offered = string.Join(", ", offeredNames);
                    string hint = NameSuggestions.Closest(call.Name, offeredNames) is { } close ? $" Did you mean '{close}'?" : string.Empty;
                    pending.Add(new PendingToolResult { CallId = call.CallId, Result = $"Error: there is no tool named '{call.Name}'.{hint} {(offered.Length > 0 ? $"Your tools: {offered}." : "You have no tools; answer directly.")}" });
                    continue;
                }

                int index = toolOrders.Count;
                toolOrders.Add(new ToolCallOrder(index, tool.Name, crewTools.TimeoutOf(tool.Definition), tool.Definition.Retries, tool.Definition.RetryDelaySeconds));
                pending.Add(new PendingToolResult
                {
                    CallId = call.CallId,
                    ToolIndex = index,
                    ToolTurn = turn,
                    Tool = tool.Name,
                    ToolDefinition = tool.Definition.Name,
                    RemoteName = tool.RemoteName,
                    Arguments = JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions),
                });
                continue;
            }

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
                orders.Add(new DelegationOrder(key, delegation.Coworker, Inline: !CanDelegate(crew, delegation.Coworker, work.Depth + 1)));
            }

            pending.Add(new PendingToolResult { CallId = call.CallId, ChildKey = key, DelegationHash = hash, Delegation = record with { InstanceId = $"{work.RunId}/{key}" } });
        }

        return (work with { Pending = pending, DelegationsStarted = started }, orders, toolOrders, new TokenUsage { CacheHits = hits, CacheMisses = misses });
    }

    /// <summary>The agent as it works this turn: a crew task's own <c>tools:</c> replace the agent's, as in CrewAI; delegated work keeps the agent's.</summary>
    static AgentDefinition? WithTaskTools(CrewDefinition crew, AgentWorkState work, AgentDefinition? agent) =>
        agent is not null && work.Kind == "task" && work.TaskIndex < crew.Tasks.Count && crew.Tasks[work.TaskIndex].Tools is { } tools
            ? agent with { Tools = tools }
            : agent;

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

    /// <summary>Whether a work of <paramref name="coworker"/> at <paramref name="depth"/> could start delegations of its own.</summary>
    bool CanDelegate(CrewDefinition crew, string coworker, int depth) =>
        depth < options.MaxDelegationDepth && crew.Agents.FirstOrDefault(a => a.Role == coworker) is { } agent && ManagerPersona.Coworkers(crew, agent).Count > 0;

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
            CachedPromptTokens = response.Usage?.CachedInputTokenCount ?? 0,
            TotalTokens = response.Usage?.TotalTokenCount ?? prompt + completion,
            SuccessfulRequests = 1,
            CacheMisses = client?.Misses ?? 0,
        };
    }
}
