using DurableCrews.Orchestration;
using DurableCrews.Orchestration.AgentWork;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Durability;

/// <summary>
/// A run of version 1 whose tasks run in instances of their own (begin, turns and finish each an activity there),
/// cut off by SIGKILL while one task's turn is in flight, resumes on the next start of <c>durablecrews serve</c> (on the
/// current version) and finishes every task on version 1's steps: the task that was in flight replays its begin, and
/// the tasks after it begin and finish with activities of their own, while a new run takes the current steps.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LegacyWorkResumeTests(Azurite azurite)
{
    /// <summary>Four steps whose worker has a time limit of its own, so that each task's work is the child <c>{runId}/t{n}</c>.</summary>
    static readonly string FourLimitedSteps = StepCrews.Sequential(4).Replace("backstory: Steady\n", "backstory: Steady\n    max_execution_time: 300\n", StringComparison.Ordinal);

    [Fact]
    public async Task A_version_1_run_killed_during_a_task_in_its_own_instance_finishes_every_task_on_version_1s_steps()
    {
        using var killed = new ManualResetEventSlim(false);
        var stepTwoAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var model = await HttpStub.StartAsync(request =>
        {
            if (StubModelCall.Read(request).Task == "Do step two" && stepTwoAsked.TrySetResult())
            {
                // Held until the process that asked is gone; asked again after the restart, it answers at once.
                killed.Wait(TimeSpan.FromSeconds(60));
            }

            return (200, ChatCompletions.Text("done"), null);
        });
        string hub = $"legacyrun{Guid.NewGuid():N}"[..20];
        var settings = ServeSettings.OnAzurite(azurite, model, hub);

        await using (var before = await ServeProcess.StartAsync(new Dictionary<string, string>(settings) { ["DurableCrews__Versioning__StartVersion"] = OrchestrationVersions.SeparateBeginAndFinish }))
        {
            await before.StartRunAsync("four-limited", FourLimitedSteps, $"{hub}-old");
            await stepTwoAsked.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await before.KillAsync();
        }

        killed.Set();
        await using var after = await ServeProcess.StartAsync(settings);
        await after.StartRunAsync("four-limited", FourLimitedSteps, $"{hub}-new");

        Assert.Equal("Completed", (await after.WaitForEndAsync($"{hub}-old", TimeSpan.FromSeconds(120))).GetProperty("status").GetString());
        Assert.Equal("Completed", (await after.WaitForEndAsync($"{hub}-new", TimeSpan.FromSeconds(120))).GetProperty("status").GetString());
        string[] versionOneWork = [nameof(BeginAgentWorkActivity), nameof(AgentTurnActivity), nameof(FinishAgentWorkActivity)];
        for (int task = 0; task < 4; task++)
        {
            Assert.Equal(versionOneWork, (await TaskHubHistory.ReadAsync(azurite.ConnectionString, hub, $"{hub}-old/t{task}")).Activities);
            Assert.Equal([nameof(AgentTurnActivity)], (await TaskHubHistory.ReadAsync(azurite.ConnectionString, hub, $"{hub}-new/t{task}")).Activities);
        }

        Assert.Equal([nameof(CompleteRunActivity)], (await TaskHubHistory.ReadAsync(azurite.ConnectionString, hub, $"{hub}-old")).Activities);
    }
}
