using System.Collections.Concurrent;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>
/// The tool calls this process is making, by call and attempt. A delivery of a call whose earlier delivery is still
/// running here (its lock lapsed in a storage outage, so the message came back while the call's result waited for
/// storage) waits for that one and answers as it does, instead of making the call again.
/// </summary>
public sealed class ToolCallsInFlight
{
    readonly ConcurrentDictionary<string, Task<ToolCallOutcome>> calls = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="call"/> as the one delivery of <paramref name="key"/> in this process, or waits for the delivery already running it.</summary>
    public async Task<ToolCallOutcome> RunOnceAsync(string key, Func<Task<ToolCallOutcome>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var mine = new TaskCompletionSource<ToolCallOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        while (!calls.TryAdd(key, mine.Task))
        {
            if (calls.TryGetValue(key, out var running))
            {
                return await running.ConfigureAwait(false);
            }
        }

        try
        {
            var outcome = await call().ConfigureAwait(false);
            mine.SetResult(outcome);
            return outcome;
        }
        catch (Exception ex)
        {
            mine.SetException(ex);
            _ = mine.Task.Exception; // observed here: a delivery waiting on it gets it too
            throw;
        }
        finally
        {
            calls.TryRemove(KeyValuePair.Create(key, mine.Task));
        }
    }
}
