using DurableCrews.Orchestration.AgentWork;

namespace DurableCrews.Tests.Orchestration;

/// <summary>A tool call delivered again while its earlier delivery still runs in this process is made once.</summary>
public sealed class ToolCallsInFlightTests
{
    [Fact]
    public async Task A_second_delivery_of_a_running_call_waits_for_it_and_answers_as_it_does()
    {
        var calls = new ToolCallsInFlight();
        var release = new TaskCompletionSource();
        int made = 0;
        async Task<ToolCallOutcome> Call()
        {
            Interlocked.Increment(ref made);
            await release.Task;
            return new ToolCallOutcome { Succeeded = true };
        }

        var first = calls.RunOnceAsync("run/tools/t0/1-0.json#0", Call);
        var again = calls.RunOnceAsync("run/tools/t0/1-0.json#0", Call);
        var nextAttempt = calls.RunOnceAsync("run/tools/t0/1-0.json#1", Call);
        release.SetResult();

        Assert.All(await Task.WhenAll(first, again, nextAttempt), outcome => Assert.True(outcome.Succeeded));
        Assert.Equal(2, made);

        // Once a delivery has ended, a later one (a redelivery after a crash) runs the call again, which answers from its record.
        await calls.RunOnceAsync("run/tools/t0/1-0.json#0", Call);
        Assert.Equal(3, made);
    }

    [Fact]
    public async Task A_delivery_waiting_on_one_that_fails_fails_the_same_way()
    {
        var calls = new ToolCallsInFlight();
        var release = new TaskCompletionSource();
        async Task<ToolCallOutcome> Failing()
        {
            await release.Task;
            throw new InvalidOperationException("storage gone");
        }

        var first = calls.RunOnceAsync("k", Failing);
        var again = calls.RunOnceAsync("k", () => throw new InvalidOperationException("not made twice"));
        release.SetResult();

        Assert.Equal("storage gone", (await Assert.ThrowsAsync<InvalidOperationException>(() => first)).Message);
        Assert.Equal("storage gone", (await Assert.ThrowsAsync<InvalidOperationException>(() => again)).Message);
    }
}
