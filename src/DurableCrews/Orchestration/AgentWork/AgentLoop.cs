using System.Globalization;
using System.Text.Json;
using DurableCrews.Notifications;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Runs;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>
/// The durable mechanics of one agent's work: turns, pacing, retries, fan-out, review, each step an activity, timer,
/// event or child of <paramref name="context"/>. It runs in the work's own orchestration when the work waits for a
/// person or has a time limit of its own (the event goes to its instance, the deadline ends it), else inline in the
/// orchestration that started it: the same activities with the same inputs, without a child's start and completion.
/// A folded work has no start yet: its first turn begins it and says how to drive it, and a last turn that answers with
/// nothing left to check finishes it.
/// </summary>
/// <param name="context">The orchestration the work's steps run in.</param>
/// <param name="input">The work.</param>
/// <param name="report">Where the work's progress goes: the work's own custom status, or the run's.</param>
/// <param name="completeRun">For the run's last task, run inline: the completion its finishing turn does as well.</param>
internal sealed class AgentLoop(TaskOrchestrationContext context, AgentWorkInput input, Action<AgentWorkProgress> report, CompleteRunRequest? completeRun = null)
{
    readonly List<ExecutionWait> waits = [];
    AgentWorkStart? known;
    int turn;
    int workTurns;
    long tokens;

    int retries;

    // The work's summary when a turn finished it (or found it finished); null while it still has to be finished.
    AgentWorkSummary? finished;

    AgentWorkStart start => known ?? throw new InvalidOperationException("The work has not begun.");

    /// <summary>The run, when the turn that finished the work completed it too.</summary>
    public CrewRunSummary? RunCompleted { get; private set; }

    /// <summary>
    /// The work's start, once known. Set at creation only when something began the work before its first turn (only
    /// the replay of earlier versions' works, <see cref="Legacy.LegacyAgentWork"/>, does); left null, the first turn begins it.
    /// </summary>
    public AgentWorkStart? Begun
    {
        get => known;
        init => known = value;
    }

    /// <summary>
    /// Whether a turn that may be the last finishes the work in its activity too (true, the default); false only for
    /// the replay of earlier versions' works, which the finish activity always finished.
    /// </summary>
    public bool FinishesInTurn { get; init; } = true;

    /// <summary>Does the work to its end and returns its summary.</summary>
    /// <exception cref="AgentWorkFailedException">The work spent its retries or its person did not answer.</exception>
    /// <exception cref="TaskFailedException">One of its activities failed.</exception>
    public async Task<AgentWorkSummary> RunAsync()
    {
        await AnswerAsync();
        return finished ?? await FinishAsync();
    }

    /// <summary>
    /// Finishes the work with its own activity, when no turn did: the work's answer needed checks after its last turn
    /// (a guardrail, a person), or the finishing turn could not finish it.
    /// </summary>
    Task<AgentWorkSummary> FinishAsync() => context.CallActivityAsync<AgentWorkSummary>(
        nameof(FinishAgentWorkActivity), new FinishAgentWorkRequest(input.RunId, input.Key, retries, waits.ToList()), CrewOrchestrator.StoreOnlyRetry);

    /// <summary>Turns until an answer that passes the guardrail and the person, when the task has them.</summary>
    async Task AnswerAsync()
    {
        string? feedback = null;
        int rejections = 0;
        while (true)
        {
            var answered = await WorkUntilAnsweredAsync(feedback);
            if (finished is null && answered.JsonError is not null)
            {
                await TurnAsync(AgentTurnMode.FixJson, null, null);
            }

            if (finished is not null)
            {
                return;
            }

            feedback = null;
            if (start.Guardrail)
            {
                var verdict = await TurnAsync(AgentTurnMode.Guardrail, null, null);
                if (!verdict.Passed)
                {
                    if (++rejections > start.GuardrailMaxRetries)
                    {
                        throw new AgentWorkFailedException($"The answer failed the task's guardrail {rejections} times; the last check said: {verdict.Reason}");
                    }

                    retries++;
                    feedback = verdict.Reason;
                    continue;
                }
            }

            if (start.HumanInput && await ReviewAsync() is { Approved: false } review)
            {
                feedback = review.Feedback;
                continue;
            }

            return;
        }
    }

    /// <summary>Turns until the agent answers; returns the answering turn's outcome.</summary>
    async Task<AgentTurnOutcome> WorkUntilAnsweredAsync(string? feedback)
    {
        IReadOnlyDictionary<string, string>? failed = null;
        IReadOnlyDictionary<string, string>? failedTools = null;
        while (true)
        {
            var mode = known is not null && workTurns >= start.MaxIter - 1 ? AgentTurnMode.FinalAnswer : AgentTurnMode.Work;
            var outcome = await TurnAsync(mode, feedback, failed, failedTools);
            if (finished is not null)
            {
                return outcome;
            }

            workTurns++;
            feedback = null;
            failed = null;
            failedTools = null;
            if (outcome.Answered)
            {
                return outcome;
            }

            if (outcome.Delegations.Count > 0 || outcome.ToolCalls.Count > 0)
            {
                var failedCalls = await ActAsync(outcome.Delegations, outcome.ToolCalls, turn - 1);
                failed = failedCalls.Delegations;
                failedTools = failedCalls.Tools;
            }
        }
    }

    /// <summary>One model turn: ask, wait durably for a request slot when max_rpm has none, and retry a 429 or 5xx after a durable wait.</summary>
    async Task<AgentTurnOutcome> TurnAsync(AgentTurnMode mode, string? feedback, IReadOnlyDictionary<string, string>? failed, IReadOnlyDictionary<string, string>? failedTools = null)
    {
        for (int attempt = 0; ;)
        {
            var outcome = await CallTurnAsync(mode, feedback, failed, failedTools);
            if (outcome.Start is { Finished: { } done })
            {
                finished = done;
                return outcome;
            }

            if (outcome.RateLimitedUntil is { } slotFrees)
            {
                // Nothing was sent: waiting for a slot is not a retry.
                await WaitUntilAsync("rate-limit", slotFrees);
                continue;
            }

            if (!outcome.Throttled)
            {
                turn++;
                tokens += outcome.TokenUsage.TotalTokens;
                ReportProgress([]);
                await NotifyStepAsync();
                finished = outcome.Summary;
                RunCompleted = outcome.Run;
                return outcome;
            }

            if (attempt >= start.MaxRetryLimit)
            {
                throw new AgentWorkFailedException($"{outcome.Error} Gave up after {attempt} retries (max_retry_limit {start.MaxRetryLimit}).");
            }

            retries++;
            double backoff = Math.Min(start.MaxRetryDelaySeconds, outcome.RetryAfterSeconds ?? start.RetryDelaySeconds * Math.Pow(2, attempt));
            await WaitUntilAsync("retry", context.CurrentUtcDateTime.AddSeconds(backoff));
            attempt++;
        }
    }

    /// <summary>
    /// The turn's activity. A folded work's first turn begins it (when beginning fails, before the model is asked, the
    /// begin activity with its storage retries does it, then the turn runs alone); a turn that may be the last asks to
    /// finish the work when it answers.
    /// </summary>
    async Task<AgentTurnOutcome> CallTurnAsync(AgentTurnMode mode, string? feedback, IReadOnlyDictionary<string, string>? failed, IReadOnlyDictionary<string, string>? failedTools)
    {
        var finish = FinishesInTurn && mode != AgentTurnMode.Guardrail && known is not { Guardrail: true } and not { HumanInput: true }
            ? new FinishAgentWorkRequest(input.RunId, input.Key, retries, waits.ToList())
            : null;
        var request = new AgentTurnRequest(input.RunId, input.Key, turn, mode)
        {
            Feedback = feedback,
            FailedDelegations = failed,
            FailedTools = failedTools,
            Begin = known is null ? input : null,
            Finish = finish,
            RunETag = input.RunETag,
            Complete = finish is null ? null : completeRun,
        };
        if (known is not null)
        {
            return await context.CallActivityAsync<AgentTurnOutcome>(nameof(AgentTurnActivity), request with { RateScopes = known.RateScopes, RateLimitWindowSeconds = known.RateLimitWindowSeconds });
        }

        var first = await context.CallActivityAsync<AgentTurnOutcome>(nameof(AgentTurnActivity), request);
        if (first.Start is not null)
        {
            known = first.Start;
            return first;
        }

        known = await BeginAsync();
        return known.Finished is not null ? new AgentTurnOutcome { Start = known } : await CallTurnAsync(mode, feedback, failed, failedTools);
    }

    /// <summary>Begins the work with its own activity and its storage retries, when its first turn failed to begin it before the model was asked.</summary>
    Task<AgentWorkStart> BeginAsync() =>
        context.CallActivityAsync<AgentWorkStart>(nameof(BeginAgentWorkActivity), input, CrewOrchestrator.StoreOnlyRetry);

    /// <summary>Runs every delegation and tool call of a turn at once and returns the ones that failed, with why.</summary>
    async Task<FailedCalls> ActAsync(
        IReadOnlyList<DelegationOrder> orders, IReadOnlyList<ToolCallOrder> toolCalls, int callTurn)
    {
        ReportProgress(orders, tools: toolCalls.Select(t => t.Tool).ToList());
        var calls = toolCalls.Select(call => CallToolAsync(call, callTurn)).ToList();
        var children = orders.Select(DelegateAsync).ToList();
        var failed = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < children.Count; i++)
        {
            try
            {
                var summary = await children[i];
                tokens += summary.TokenUsage.TotalTokens;
            }
            catch (TaskFailedException ex)
            {
                failed[orders[i].Key] = ex.FailureDetails.ErrorMessage;
            }
            catch (AgentWorkFailedException ex)
            {
                failed[orders[i].Key] = ex.Message;
            }
        }

        var failedTools = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < calls.Count; i++)
        {
            if (await calls[i] is { } error)
            {
                failedTools[toolCalls[i].Index.ToString(CultureInfo.InvariantCulture)] = error;
            }
        }

        ReportProgress([]);
        return new FailedCalls(failed.Count > 0 ? failed : null, failedTools.Count > 0 ? failedTools : null);
    }

    /// <summary>
    /// One delegation: inline when the coworker cannot delegate further (its steps are this orchestration's, and
    /// nothing needs its instance), else the sub-orchestration <c>{runId}/{key}</c>.
    /// </summary>
    Task<AgentWorkSummary> DelegateAsync(DelegationOrder order)
    {
        var child = new AgentWorkInput(input.RunId, order.Key, input.TaskIndex, [], input.Depth + 1, input.Key, input.StepWebhook, Folded: order.Inline || OrchestrationVersions.FoldsWork(context.Version), RunETag: input.RunETag);
        return order.Inline
            ? new AgentLoop(context, child, _ => { }).RunAsync()
            : context.CallSubOrchestratorAsync<AgentWorkSummary>(nameof(AgentWorkOrchestrator), child, OrchestrationVersions.Child(context, child.InstanceId));
    }

    /// <summary>
    /// One tool call as activities: each attempt bounded by a durable timer, a retryable failure tried again after a
    /// durable wait, as the tool's policy says. Returns null when the result is stored, else what went wrong.
    /// </summary>
    async Task<string?> CallToolAsync(ToolCallOrder call, int callTurn)
    {
        for (int attempt = 0; ; attempt++)
        {
            var outcome = await AttemptToolAsync(new ToolCallRequest(input.RunId, input.Key, callTurn, call.Index, attempt, input.RunETag), call.TimeoutSeconds);
            if (outcome.Succeeded)
            {
                return null;
            }

            string error = outcome.Error ?? "the tool failed";
            if (!outcome.Retryable || attempt >= call.Retries)
            {
                return attempt > 0 ? $"{error} (after {attempt + 1} attempts)" : error;
            }

            retries++;
            await WaitUntilAsync("tool-retry", context.CurrentUtcDateTime.AddSeconds(call.RetryDelaySeconds * Math.Pow(2, attempt)));
        }
    }

    /// <summary>One attempt at a tool call, bounded by a durable timer; a timeout or a failed activity may pass, so it is retryable.</summary>
    async Task<ToolCallOutcome> AttemptToolAsync(ToolCallRequest request, int timeoutSeconds)
    {
        using var timerCancel = new CancellationTokenSource();
        var activity = context.CallActivityAsync<ToolCallOutcome>(nameof(ToolCallActivity), request);
        var deadline = context.CreateTimer(context.CurrentUtcDateTime.AddSeconds(timeoutSeconds + AgentWorkOrchestrator.ToolTimeoutGraceSeconds), timerCancel.Token);
        if (await Task.WhenAny(activity, deadline) != activity)
        {
            return new ToolCallOutcome { Error = $"the tool did not answer within {timeoutSeconds} s", Retryable = true };
        }

        timerCancel.Cancel();
        try
        {
            return await activity;
        }
        catch (TaskFailedException ex)
        {
            return new ToolCallOutcome { Error = ex.FailureDetails.ErrorMessage, Retryable = true };
        }
    }

    async Task<HumanReview> ReviewAsync()
    {
        ReportProgress([], HumanReview.EventName);
        var asked = context.CurrentUtcDateTime;
        try
        {
            var payload = await context.WaitForExternalEvent<JsonElement>(HumanReview.EventName, TimeSpan.FromSeconds(start.HumanInputTimeoutSeconds));
            waits.Add(new ExecutionWait("human-input", Utc(asked), Utc(context.CurrentUtcDateTime)));
            return HumanReview.Read(payload);
        }
        catch (TaskCanceledException)
        {
            throw new AgentWorkFailedException($"No human input arrived within {start.HumanInputTimeoutSeconds} s (raise the '{HumanReview.EventName}' event on {context.InstanceId}).");
        }
        finally
        {
            ReportProgress([]);
        }
    }

    async Task WaitUntilAsync(string reason, DateTime until)
    {
        var now = context.CurrentUtcDateTime;
        if (until <= now)
        {
            return;
        }

        await context.CreateTimer(until, CancellationToken.None);
        waits.Add(new ExecutionWait(reason, Utc(now), Utc(context.CurrentUtcDateTime)));
    }

    async Task NotifyStepAsync()
    {
        if (input.StepWebhook is { } url)
        {
            await Webhooks.SendAsync(context, new WebhookRequest(
                input.RunId, WebhookEvent.Step, url, $"{input.InstanceId}#{turn}", input.TaskIndex, WorkKey: input.Key, Turn: turn));
        }
    }

    void ReportProgress(IReadOnlyList<DelegationOrder> delegations, string? waitingFor = null, IReadOnlyList<string>? tools = null) =>
        report(new AgentWorkProgress
        {
            Agent = start.Agent,
            Turns = turn,
            Delegations = delegations.Take(CrewProgress.MaxListed).ToList(),
            Tools = (tools ?? []).Take(CrewProgress.MaxListed).ToList(),
            WaitingFor = waitingFor,
            Tokens = tokens,
        });

    static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}
