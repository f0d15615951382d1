using System.Diagnostics;
using System.Diagnostics.Metrics;
using DurableCrews.Runs;

namespace DurableCrews.Telemetry;

/// <summary>
/// DurableCrews' traces and metrics, for any OpenTelemetry exporter: the <see cref="ActivitySource"/> and
/// <see cref="Meter"/> named <see cref="Name"/> (and <see cref="GenAiSourceName"/> for the chat client's live
/// <c>gen_ai</c> spans). Everything is recorded from activities and the API, never from orchestrator code, so a replay
/// records nothing twice.
/// </summary>
public static class CrewTelemetry
{
    /// <summary>The name of the activity source and the meter.</summary>
    public const string Name = "DurableCrews";

    /// <summary>The activity source of the chat client's live <c>gen_ai</c> spans (Microsoft.Extensions.AI's <c>UseOpenTelemetry</c>).</summary>
    public const string GenAiSourceName = "DurableCrews.GenAI";

    /// <summary>The attribute that ties every span and measurement of a run together.</summary>
    public const string RunIdAttribute = "durablecrews.run.id";

    /// <summary>The source of DurableCrews' spans.</summary>
    public static ActivitySource Source { get; } = new(Name, typeof(CrewTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>The source of the live spans of model calls: <c>invoke_agent {agent}</c> and, under it, the chat client's <c>chat {model}</c>.</summary>
    public static ActivitySource GenAiSource { get; } = new(GenAiSourceName, typeof(CrewTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>The meter of DurableCrews' metrics.</summary>
    public static Meter Meter { get; } = new(Name, typeof(CrewTelemetry).Assembly.GetName().Version?.ToString());

    static readonly Counter<long> RunsStarted = Meter.CreateCounter<long>("durablecrews.runs.started", "{run}", "Runs started.");

    static readonly Counter<long> RunsEnded = Meter.CreateCounter<long>("durablecrews.runs.ended", "{run}", "Runs ended, by status: Completed, Failed, TimedOut, Terminated.");

    static readonly Histogram<double> TaskDuration = Meter.CreateHistogram<double>("durablecrews.task.duration", "s", "How long crew tasks took.");

    static readonly Histogram<double> ModelCallDuration = Meter.CreateHistogram<double>("durablecrews.model_call.duration", "s", "How long model calls took.");

    static readonly Counter<long> Tokens = Meter.CreateCounter<long>("durablecrews.tokens", "{token}", "Tokens spent, by model and type (input, output).");

    static readonly Histogram<double> ToolCallDuration = Meter.CreateHistogram<double>("durablecrews.tool_call.duration", "s", "How long tool calls took, by tool and outcome.");

    static readonly Histogram<double> WaitDuration = Meter.CreateHistogram<double>("durablecrews.wait.duration", "s", "Durable waits, by reason: rate-limit, retry, tool-retry, human-input.");

    static readonly Counter<long> QueueKickoffs = Meter.CreateCounter<long>("durablecrews.queue.kickoffs", "{message}", "Kickoff messages taken from the queue, by outcome: started, duplicate, poisoned.");

    /// <summary>A run was started.</summary>
    public static void RunStarted(string crew) => RunsStarted.Add(1, new KeyValuePair<string, object?>("durablecrews.crew", crew));

    /// <summary>A run ended: counts it and emits its whole trace (run → task → model turn / tool call / delegation).</summary>
    public static void RunEnded(CrewOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        RunsEnded.Add(1, new("durablecrews.crew", output.Crew), new("durablecrews.run.status", output.Status.ToString()));
        RunTrace.Emit(output);
    }

    /// <summary>A CrewAI-style flow ended: emits its trace (flow → each run of a step, a loop's iterations apart → each item of a <c>for_each</c>).</summary>
    internal static void FlowEnded(CrewOutput output, IReadOnlyList<Orchestration.Flows.FlowStepRecord> history, IReadOnlyDictionary<string, CrewOutput> results, ISet<string> forEachSteps) =>
        FlowTrace.Emit(output, history, results, forEachSteps);

    /// <summary>A crew task finished, with its durable waits (its coworkers' included).</summary>
    public static void TaskFinished(string crew, TaskOutput task)
    {
        ArgumentNullException.ThrowIfNull(task);
        TaskDuration.Record((task.FinishedAt - task.StartedAt).TotalSeconds, new("durablecrews.crew", crew), new("durablecrews.task", task.Name), new("durablecrews.agent", task.Agent));
        foreach (var wait in task.Waits.Concat(DelegationRecord.All(task.Delegations).SelectMany(d => d.Waits)))
        {
            WaitDuration.Record((wait.EndedAt - wait.StartedAt).TotalSeconds, new("durablecrews.crew", crew), new("durablecrews.wait.reason", wait.Reason));
        }
    }


    /// <summary>A model call answered.</summary>
    public static void ModelCalled(ModelCallRecord call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var model = new KeyValuePair<string, object?>("gen_ai.request.model", call.Model ?? "unknown");
        ModelCallDuration.Record((call.FinishedAt - call.StartedAt).TotalSeconds, model, new("durablecrews.cache_hit", call.CacheHit));
        Tokens.Add(call.InputTokens, model, new("gen_ai.token.type", "input"));
        Tokens.Add(call.OutputTokens, model, new("gen_ai.token.type", "output"));
    }

    /// <summary>A tool call ended.</summary>
    public static void ToolCalled(string tool, TimeSpan duration, string outcome) =>
        ToolCallDuration.Record(duration.TotalSeconds, new("gen_ai.tool.name", tool), new("durablecrews.tool.outcome", outcome));

    /// <summary>A kickoff message was taken from the queue.</summary>
    public static void QueueKickoff(string outcome) => QueueKickoffs.Add(1, new KeyValuePair<string, object?>("durablecrews.queue.outcome", outcome));
}
