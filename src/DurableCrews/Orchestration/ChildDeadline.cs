using DurableCrews.Orchestration.AgentWork;
using DurableCrews.Orchestration.Crews;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration;

/// <summary>
/// Runs a sub-orchestration against a deadline: a durable timer raced with the child. When the timer wins, the child
/// (and its own children) are terminated and awaited, so the caller can end with no timer or child left behind; an
/// orchestration does not complete while one of its tasks is outstanding, which is why the child is never abandoned.
/// </summary>
internal static class ChildDeadline
{
    /// <summary>The child's result, or <c>TimedOut</c> when the deadline passed first.</summary>
    public static async Task<(bool TimedOut, T? Result)> CallAsync<T>(TaskOrchestrationContext context, ChildDeadlineRequest call)
    {
        var child = context.CallSubOrchestratorAsync<T>(call.Orchestrator, call.Input, OrchestrationVersions.Child(context, call.InstanceId));
        if (call.Seconds is not int limit)
        {
            return (false, await child);
        }

        using var cancel = new CancellationTokenSource();
        var deadline = context.CreateTimer(TimeSpan.FromSeconds(limit), cancel.Token);
        if (await Task.WhenAny(child, deadline) == child)
        {
            cancel.Cancel();
            return (false, await child);
        }

        await context.CallActivityAsync<bool>(
            nameof(TerminateWorkActivity), new TerminateWorkRequest(call.InstanceId, $"{call.What} exceeded its max_execution_time of {limit} s.", call.Descendants), CrewOrchestrator.StoreOnlyRetry);
        try
        {
            return (false, await child);
        }
        catch (TaskFailedException)
        {
            return (true, default);
        }
    }
}
