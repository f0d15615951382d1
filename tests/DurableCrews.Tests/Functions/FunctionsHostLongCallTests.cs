using System.Text;
using DurableCrews.Tests.Durability;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Functions;

/// <summary>
/// A model call that takes longer than host.json's work-item visibility timeout (one minute) is made once: the host renews
/// the activity's message while the call runs, so the short timeout that makes crash recovery quick never hands a running
/// call to a second worker.
/// </summary>
public sealed class FunctionsHostLongCallTests
{
    const int CallSeconds = 150;

    [SkippableFact]
    public async Task A_150_s_model_call_longer_than_the_visibility_timeout_is_made_once()
    {
        await using var functions = await ModelBackedFunctionsHost.StartAsync(request =>
        {
            var call = StubModelCall.Read(request);
            if (call.Task == "Do step one")
            {
                Thread.Sleep(TimeSpan.FromSeconds(CallSeconds));
            }

            return (200, ChatCompletions.Text($"done: {call.Task}"), null);
        });
        using (var stored = await functions.Host.Http.PutAsync("crews/four-steps", new StringContent(CrashResumeTests.FourSteps, Encoding.UTF8, "application/yaml")))
        {
            Assert.True(stored.IsSuccessStatusCode, await stored.Content.ReadAsStringAsync());
        }

        using (var started = await functions.Host.PostJsonAsync("crews/four-steps/kickoff", """{"runId":"fh-long-call"}"""))
        {
            Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        }

        var run = await functions.Host.WaitForEndAsync("fh-long-call", seconds: CallSeconds + 90);

        Assert.Equal("Completed", run.GetProperty("status").GetString());
        var calls = functions.Model.Requests.Select(StubModelCall.Read).GroupBy(c => c.Task).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(4, calls.Count);
        Assert.All(calls.Values, count => Assert.Equal(1, count));
    }
}
