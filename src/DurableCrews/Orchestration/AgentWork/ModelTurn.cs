using System.Diagnostics;
using System.Text.Json;
using DurableCrews.Agents;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Orchestration.RateLimiting;
using DurableCrews.Runs;
using DurableCrews.Storage;
using DurableCrews.Telemetry;
using DurableCrews.Tools;
using Microsoft.Extensions.AI;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>
/// One model turn of a work that has begun: hands the model its owed tool results, builds the prompt and the tools it
/// is offered, asks the model and records what it said (an answer, a guardrail verdict, or calls to run). A turn recorded
/// before is not asked again. A 429 or 5xx from the model, or no free request slot, is returned, not thrown, so the
/// orchestrator waits on a durable timer.
/// </summary>
public sealed class ModelTurn(RunStore runs, IChatClientProvider models, ModelPipeline pipeline, InFlightModelCalls inFlight, CrewTools crewTools,
    ToolResultInbox inbox, CallPlanner planner, TimeProvider time)
{
    /// <summary>
    /// Asks the model (unless the turn is recorded) and stores what it said: at once, or, for an answer that the same
    /// activity goes on to finish (<paramref name="stageAnswer"/>), staged to be written by the finish together with the
    /// transcript and before the output, one storage round trip fewer on the path to the answer.
    /// </summary>
    public async Task<AgentTurnOutcome> TakeAsync(AgentTurnRequest request, bool stageAnswer, CancellationToken cancellationToken = default)
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
        var delivered = await inbox.DeliverAsync(work, crew, messages, request, cancellationToken).ConfigureAwait(false);
        work = delivered.Work;
        if (delivered.Answer is { } toolAnswer && request.Mode != AgentTurnMode.Guardrail)
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
        var schema = StructuredAnswer.SchemaOf(crew, work.Kind, work.TaskIndex);
        var (prompt, chatOptions, agentTools) = await PromptAsync(request.Mode, work, crew, agent, messages, schema, cancellationToken).ConfigureAwait(false);

        // CrewAI's function_calling_llm takes the turns that may call tools; the agent's llm the others.
        string? llm = chatOptions is not null ? agent?.FunctionCallingLlm ?? crew.FunctionCallingLlm ?? agent?.Llm ?? crew.Llm : agent?.Llm ?? crew.Llm;
        ModelReference.TryParse(llm, out var reference, out _);
        var model = models.Resolve(reference);
        chatOptions = request.Mode == AgentTurnMode.Guardrail ? chatOptions : StructuredAnswer.WithResponseFormat(chatOptions, schema, model);
        var client = pipeline.For(model, crew.Cache, request.Quota);
        ChatResponse response;
        var sent = time.GetUtcNow();
        using var live = CrewTelemetry.GenAiSource.StartActivity($"invoke_agent {work.Agent}", ActivityKind.Internal, default(ActivityContext),
            [new(CrewTelemetry.RunIdAttribute, request.RunId), new("gen_ai.operation.name", "invoke_agent"), new("gen_ai.agent.name", work.Agent), new("durablecrews.work", request.Key), new("durablecrews.turn", request.Turn)]);
        try
        {
            using var call = inFlight.Start($"{request.RunId}/{request.Key}", cancellationToken);
            response = await client.GetResponseAsync(prompt, chatOptions, call.Token).ConfigureAwait(false);
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
        var usage = UsageOf(response, client.GetService<CachingCrewChatClient>());
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
                var plan = await planner.PlanAsync(work, crew, calls, agentTools, request.Turn, cancellationToken).ConfigureAwait(false);
                work = plan.Work;
                usage = usage.Add(plan.CacheUse);
                outcome = new AgentTurnOutcome { Delegations = plan.Delegations, ToolCalls = plan.ToolCalls, TokenUsage = usage };
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
        CrewTelemetry.ModelCalled(modelCall);
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

    /// <summary>What the model is sent for the turn's mode: the prompt, the tools offered (null when none) and the agent's own tools.</summary>
    async Task<TurnPrompt> PromptAsync(
        AgentTurnMode mode, AgentWorkState work, CrewDefinition crew, AgentDefinition? agent, List<ChatMessage> messages, JsonElement? schema, CancellationToken cancellationToken)
    {
        switch (mode)
        {
            case AgentTurnMode.Guardrail:
                return new TurnPrompt(GuardrailPrompt.Build(crew.Tasks[work.TaskIndex].Guardrail ?? string.Empty, work.Answer ?? string.Empty), null, []);
            case AgentTurnMode.FinalAnswer:
                messages.Add(new ChatMessage(ChatRole.User, AgentTurnActivity.FinalAnswerNow));
                return new TurnPrompt(messages, null, []);
            case AgentTurnMode.FixJson when schema is { } owed:
                messages.Add(new ChatMessage(ChatRole.User, StructuredAnswer.FixRequest(StructuredAnswer.ErrorOf(owed, work.Answer) ?? "it does not match", owed)));
                return new TurnPrompt(messages, null, []);
            case AgentTurnMode.Work:
                var agentTools = await crewTools.ForAgentAsync(crew, WithTaskTools(crew, work, agent), cancellationToken).ConfigureAwait(false);
                var offered = new List<AITool>();
                if (work.Coworkers.Count > 0)
                {
                    offered.AddRange(DelegationTools.For(work.Coworkers, crew.Agents.GroupBy(a => a.Role).ToDictionary(g => g.Key, g => g.First().Goal)));
                }

                offered.AddRange(agentTools.Select(t => AIFunctionFactory.CreateDeclaration(t.Name, t.Description, t.Schema)));
                var options = offered.Count == 0 ? null : new ChatOptions
                {
                    Tools = offered,
                    ToolMode = work.MustDelegateFirst && work.Turns == 0 ? ChatToolMode.RequireAny : ChatToolMode.Auto,
                };
                return new TurnPrompt(messages, options, agentTools);
            default:
                return new TurnPrompt(messages, null, []);
        }
    }

    /// <summary>The agent as it works this turn: a crew task's own <c>tools:</c> replace the agent's, as in CrewAI; delegated work keeps the agent's.</summary>
    static AgentDefinition? WithTaskTools(CrewDefinition crew, AgentWorkState work, AgentDefinition? agent) =>
        agent is not null && work.Kind == "task" && work.TaskIndex < crew.Tasks.Count && crew.Tasks[work.TaskIndex].Tools is { } tools
            ? agent with { Tools = tools }
            : agent;

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

    /// <summary>What the model is sent: the prompt, the tools offered (null when none), and the agent's own tools among them.</summary>
    sealed record TurnPrompt(IList<ChatMessage> Messages, ChatOptions? Options, IReadOnlyList<AgentTool> AgentTools);
}
