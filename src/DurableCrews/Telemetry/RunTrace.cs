using System.Diagnostics;
using DurableCrews.Runs;

namespace DurableCrews.Telemetry;

/// <summary>
/// A run's trace, emitted once when the run ends, from what the run stored: the run span; under it each task; under a
/// task its model turns (<c>chat {model}</c>, GenAI semantic conventions, linked to the live <c>gen_ai</c> span of the
/// call), its tool calls (<c>execute_tool {tool}</c>) and its delegations, nested as they ran. A span's times are the
/// stored ones, so the trace shows the run as it happened however many processes and restarts it took.
/// </summary>
internal static class RunTrace
{
    public static void Emit(CrewOutput output)
    {
        if (!CrewTelemetry.Source.HasListeners())
        {
            return;
        }

        using var run = Start($"crew.run {output.Crew}", default, output.StartedAt, output.RunId);
        if (run is null)
        {
            return;
        }

        run.SetTag("durablecrews.crew", output.Crew);
        run.SetTag("durablecrews.run.status", output.Status.ToString());
        Tokens(run, output.TokenUsage);
        if (output.Status != CrewRunStatus.Completed)
        {
            run.SetStatus(ActivityStatusCode.Error, output.Error ?? output.Status.ToString());
        }

        foreach (var task in output.TasksOutput)
        {
            using var span = Start($"crew.task {task.Name}", run.Context, task.StartedAt, output.RunId);
            if (span is null)
            {
                continue;
            }

            span.SetTag("durablecrews.task", task.Name);
            span.SetTag("durablecrews.agent", task.Agent);
            span.SetTag("gen_ai.request.model", task.Model);
            if (task.Item is { } item)
            {
                span.SetTag("durablecrews.item", item);
            }

            Tokens(span, task.TokenUsage);
            span.SetTag("durablecrews.retries", task.Retries);
            Work(span, task.ModelCalls, task.ToolCalls, task.Delegations, task.Waits, output.RunId);
            span.SetEndTime(task.FinishedAt.UtcDateTime);
        }

        run.SetEndTime(output.FinishedAt.UtcDateTime);
    }

    static void Work(Activity parent, IReadOnlyList<ModelCallRecord> turns, IReadOnlyList<ToolCallRecord> tools, IReadOnlyList<DelegationRecord> delegations, IReadOnlyList<ExecutionWait> waits, string runId)
    {
        foreach (var turn in turns)
        {
            ActivityLink[] links = turn.SpanContext is { } live && ActivityContext.TryParse(live, null, out var context) ? [new ActivityLink(context)] : [];
            using var span = Start($"chat {turn.Model}", parent.Context, turn.StartedAt, runId, ActivityKind.Client, links);
            span?.SetTag("gen_ai.operation.name", "chat");
            span?.SetTag("gen_ai.request.model", turn.Model);
            span?.SetTag("gen_ai.usage.input_tokens", turn.InputTokens);
            span?.SetTag("gen_ai.usage.output_tokens", turn.OutputTokens);
            span?.SetTag("durablecrews.cache_hit", turn.CacheHit);
            span?.SetTag("durablecrews.turn", turn.Turn);
            span?.SetTag("durablecrews.turn.outcome", turn.Outcome);
            span?.SetEndTime(turn.FinishedAt.UtcDateTime);
        }

        foreach (var call in tools)
        {
            using var span = Start($"execute_tool {call.Tool}", parent.Context, call.StartedAt, runId);
            span?.SetTag("gen_ai.operation.name", "execute_tool");
            span?.SetTag("gen_ai.tool.name", call.Tool);
            span?.SetTag("durablecrews.tool.bytes", call.Bytes);
            span?.SetTag("durablecrews.cache_hit", call.Cached);
            if (call.Error is { } error)
            {
                span?.SetStatus(ActivityStatusCode.Error, error);
            }

            span?.SetEndTime(call.FinishedAt.UtcDateTime);
        }

        foreach (var wait in waits)
        {
            using var span = Start($"wait {wait.Reason}", parent.Context, wait.StartedAt, runId);
            span?.SetTag("durablecrews.wait.reason", wait.Reason);
            span?.SetEndTime(wait.EndedAt.UtcDateTime);
        }

        foreach (var delegation in delegations)
        {
            using var span = Start($"crew.delegation {delegation.Coworker}", parent.Context, delegation.StartedAt, runId);
            if (span is null)
            {
                continue;
            }

            span.SetTag("durablecrews.agent", delegation.Coworker);
            span.SetTag("durablecrews.delegation.kind", delegation.Kind);
            span.SetTag("durablecrews.delegation.reused", delegation.Reused);
            Tokens(span, delegation.TokenUsage);
            Work(span, delegation.ModelCalls, delegation.ToolCalls, delegation.Delegations, delegation.Waits, runId);
            span.SetEndTime(delegation.FinishedAt.UtcDateTime);
        }
    }

    /// <summary>The tokens a span's work spent (its coworkers' included), and its cache hits.</summary>
    static void Tokens(Activity span, TokenUsage usage)
    {
        span.SetTag("gen_ai.usage.input_tokens", usage.PromptTokens);
        span.SetTag("gen_ai.usage.output_tokens", usage.CompletionTokens);
        span.SetTag("durablecrews.cache_hits", usage.CacheHits);
    }

    /// <summary>Starts a span built after the fact at <paramref name="start"/>, tagged with the run, without making it the ambient parent.</summary>
    internal static Activity? Start(string name, ActivityContext parent, DateTimeOffset start, string runId, ActivityKind kind = ActivityKind.Internal, IEnumerable<ActivityLink>? links = null)
    {
        var span = CrewTelemetry.Source.StartActivity(name, kind, parent, [new(CrewTelemetry.RunIdAttribute, runId)], links, start);

        // Spans are built after the fact: none may become the ambient parent of what runs next on this thread.
        if (span is not null)
        {
            Activity.Current = span.Parent;
        }

        return span;
    }
}
