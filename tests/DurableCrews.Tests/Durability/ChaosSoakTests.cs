using DurableCrews.Tests.Support;
using Xunit.Abstractions;

namespace DurableCrews.Tests.Durability;

/// <summary>The chaos soak of <c>bench -- chaos</c>, shortened to a minute and a few faults.</summary>
public sealed class ChaosSoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Under_a_minute_of_faults_every_run_ends_with_a_reason_and_no_finished_call_is_made_again()
    {
        var options = new ChaosSoakOptions
        {
            Duration = TimeSpan.FromSeconds(60),
            Settle = TimeSpan.FromSeconds(120),
            StartEvery = TimeSpan.FromSeconds(3),
            FaultEvery = TimeSpan.FromSeconds(15),
            FaultLength = TimeSpan.FromSeconds(8),
        };

        var report = await ChaosSoak.RunAsync(options);
        output.WriteLine(report.ToString());

        Assert.True(report.Started >= 5, report.ToString());
        Assert.True(report.Faults.Count >= 3, report.ToString());
        Assert.Empty(report.Stuck);
        Assert.Empty(report.RepeatedFinishedCalls);
        Assert.All(report.Failed, failed => Assert.False(failed.EndsWith(": ", StringComparison.Ordinal), $"a run failed without a reason: {failed}"));
        Assert.True(report.Completed + report.Failed.Count == report.Started, report.ToString());
    }
}
