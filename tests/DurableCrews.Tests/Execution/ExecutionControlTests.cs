using DurableCrews.Agents;
using DurableCrews.Api;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Notifications;
using DurableCrews.Orchestration.AgentWork;
using DurableCrews.Runs;
using DurableCrews.Storage;
using DurableCrews.Tests.Support;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.AI;
using static DurableCrews.Tests.Support.CrewEdits;

namespace DurableCrews.Tests.Execution;

public sealed class ExecutionControlTests
{
    /// <summary>Holds model calls until the test ends, standing in for a model that does not answer in time.</summary>
    sealed class Gate : IDisposable
    {
        readonly SemaphoreSlim semaphore = new(0);

        public async Task<Microsoft.Extensions.AI.ChatMessage> HoldAsync()
        {
            await semaphore.WaitAsync(TimeSpan.FromSeconds(60));
            return Answer("too late");
        }

        public void Dispose()
        {
            semaphore.Release(100);
            semaphore.Dispose();
        }
    }

    static Task<RunView> WaitUntilAsync(EngineHarness harness, string runId, Func<RunView, bool> condition) => harness.WaitUntilAsync(runId, condition);

    /// <summary>A model whose every call hangs until it is cancelled, and says when it was.</summary>
    sealed class HangingModel : IChatClient
    {
        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMinutes(5), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled.TrySetResult();
                throw;
            }

            return new ChatResponse(new ChatMessage(ChatRole.Assistant, "too late"));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task A_model_call_in_flight_at_the_crew_deadline_is_cancelled()
    {
        var model = new HangingModel();
        await using var harness = await EngineHarness.StartAsync(model);
        var crew = new CrewBuilder().Agent("a").Task("slow", "a").Build() with { MaxExecutionTime = 1 };

        var run = await harness.RunAsync(crew, runId: "cut-short");

        Assert.Equal(CrewRunStatus.TimedOut, run.Status);
        await model.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Crew_timeout_marks_run_timed_out_keeps_finished_tasks_and_terminates_running_work()
    {
        using var gate = new Gate();
        var model = new ScriptedChatClient(request => request.TaskLine == "do slow" ? gate.HoldAsync() : Task.FromResult(Answer("quick answer")));
        await using var harness = await EngineHarness.StartAsync(model);
        var crew = new CrewBuilder().Agent("a").Task("quick", "a").Task("slow", "a").Build() with { MaxExecutionTime = 2 };

        var run = await harness.RunAsync(crew, runId: "deadline");

        Assert.Equal(CrewRunStatus.TimedOut, run.Status);
        Assert.Contains("max_execution_time of 2 s", run.Error, StringComparison.Ordinal);
        Assert.Equal(["quick"], run.Output!.TasksOutput.Select(t => t.Name));
        Assert.Empty(run.Progress?.Running ?? []);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await harness.Engine.Client.GetInstanceAsync("deadline"))!.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await harness.Engine.Client.GetInstanceAsync("deadline/work"))!.RuntimeStatus);
        Assert.Null(await harness.Engine.Client.GetInstanceAsync("deadline/t1"));
    }

    [Fact]
    public async Task Crew_timeout_terminates_a_running_task_that_has_an_instance_of_its_own()
    {
        using var gate = new Gate();
        var model = new ScriptedChatClient(request => request.TaskLine == "do slow" ? gate.HoldAsync() : Task.FromResult(Answer("quick answer")));
        await using var harness = await EngineHarness.StartAsync(model);
        var crew = (new CrewBuilder().Agent("a").Task("quick", "a").Task("slow", "a").Build() with { MaxExecutionTime = 2 })
            .WithAgent("a", a => a with { MaxExecutionTime = 60 });

        var run = await harness.RunAsync(crew, runId: "deadline-child");

        Assert.Equal(CrewRunStatus.TimedOut, run.Status);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await harness.Engine.Client.GetInstanceAsync("deadline-child/t1"))!.RuntimeStatus);
    }

    [Fact]
    public async Task Agent_timeout_fails_the_try_and_the_task_is_retried_up_to_max_retry_limit()
    {
        using var gate = new Gate();
        int calls = 0;
        var model = new ScriptedChatClient(_ => Interlocked.Increment(ref calls) == 1 ? gate.HoldAsync() : Task.FromResult(Answer("second try")));
        await using var harness = await EngineHarness.StartAsync(model);
        var crew = new CrewBuilder().Agent("a", maxRetryLimit: 1).Task("work", "a").Build().WithAgent("a", a => a with { MaxExecutionTime = 3 });

        var run = await harness.RunAsync(crew, runId: "agent-deadline");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal("second try", run.Output!.Raw);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await harness.Engine.Client.GetInstanceAsync("agent-deadline/t0"))!.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await harness.Engine.Client.GetInstanceAsync("agent-deadline/t0-r1"))!.RuntimeStatus);
    }

    [Fact]
    public async Task Agent_timeout_without_retries_fails_the_run_with_the_reason()
    {
        using var gate = new Gate();
        var model = new ScriptedChatClient(_ => gate.HoldAsync());
        await using var harness = await EngineHarness.StartAsync(model);
        var crew = new CrewBuilder().Agent("a").Task("work", "a").Build().WithAgent("a", a => a with { MaxExecutionTime = 1 });

        var run = await harness.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Failed, run.Status);
        Assert.Contains("Task 'work' exceeded its agent's max_execution_time of 1 s", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_429_is_retried_after_its_Retry_After_on_a_durable_timer()
    {
        int calls = 0;
        var model = new ScriptedChatClient(_ => Interlocked.Increment(ref calls) == 1
            ? throw new ModelThrottledException(429, TimeSpan.FromSeconds(1))
            : Task.FromResult(Answer("after the wait")));
        await using var harness = await EngineHarness.StartAsync(model);
        var crew = new CrewBuilder().Agent("a", maxRetryLimit: 2).Task("work", "a").Build();

        var run = await harness.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var task = run.Output!.TasksOutput.Single();
        Assert.Equal(1, task.Retries);
        var wait = Assert.Single(task.Waits);
        Assert.Equal("retry", wait.Reason);
        Assert.True(wait.EndedAt - wait.StartedAt >= TimeSpan.FromSeconds(1), $"waited {(wait.EndedAt - wait.StartedAt).TotalSeconds} s");
        Assert.True(model.Requests[1].StartedAt - model.Requests[0].StartedAt >= TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Retries_spent_on_5xx_fail_the_task_and_the_status_says_why_without_secrets()
    {
        var model = new ScriptedChatClient(_ => throw new ModelThrottledException(503, TimeSpan.Zero));
        await using var harness = await EngineHarness.StartAsync(model);
        var crew = new CrewBuilder().Agent("a", maxRetryLimit: 1).Task("work", "a").Build();

        var run = await harness.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Failed, run.Status);
        Assert.Contains("The model answered 503", run.Error, StringComparison.Ordinal);
        Assert.Contains("Gave up after 1 retries", run.Error, StringComparison.Ordinal);
        Assert.Equal(2, model.Requests.Count);
    }

    [Fact]
    public async Task Max_rpm_holds_across_parallel_delegations_with_waits_on_durable_timers()
    {
        var model = new ScriptedChatClient(request => Task.FromResult(
            request.IsFrom(ManagerPersona.Role) && request.ToolResults.Count == 0
                ? Calls(Delegate("a role", "one"), Delegate("b role", "two"), Delegate("c role", "three"), Delegate("d role", "four"))
                : Answer("ok")));
        await using var harness = await EngineHarness.StartAsync(model, new Dictionary<string, string?> { ["DurableCrews:Execution:RateLimitWindowSeconds"] = "1" });
        var crew = new CrewBuilder().Agent("a").Agent("b").Agent("c").Agent("d").Task("work", "a").Build() with { Process = CrewProcess.Hierarchical, MaxRpm = 2 };

        var run = await harness.RunAsync(crew, runId: "paced");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var (log, _) = await harness.Runs.ReadVersionedAsync<Dictionary<string, List<DateTime>>>(RunBlobs.RateLimitBlob("paced"));
        var starts = log!["crew"].Order().ToList();
        Assert.Equal(6, starts.Count);
        Assert.Equal(6, model.Requests.Count);
        Assert.All(starts, s => Assert.True(starts.Count(t => t >= s && t < s.AddSeconds(1)) <= 2, $"more than 2 starts in the second from {s:O}"));
        Assert.All(model.Requests.Zip(starts), pair => Assert.True(pair.First.StartedAt.UtcDateTime >= pair.Second, "a request started before its reserved time"));
        // Some of the four coworkers, started together, waited for their slot on durable timers, and say so.
        Assert.Contains(run.Output!.TasksOutput.Single().Delegations.SelectMany(d => d.Waits), w => w.Reason == "rate-limit");
    }

    [Fact]
    public async Task An_agent_max_rpm_paces_only_that_agent()
    {
        var model = new ScriptedChatClient();
        await using var harness = await EngineHarness.StartAsync(model, new Dictionary<string, string?> { ["DurableCrews:Execution:RateLimitWindowSeconds"] = "1" });
        var crew = new CrewBuilder().Agent("a").Agent("b").Task("t1", "a", context: [], async: true).Task("t2", "a", context: [], async: true).Task("t3", "b", context: []).Build()
            .WithAgent("a", a => a with { MaxRpm = 1 });

        var run = await harness.RunAsync(crew, runId: "agent-paced");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        var (log, _) = await harness.Runs.ReadVersionedAsync<Dictionary<string, List<DateTime>>>(RunBlobs.RateLimitBlob("agent-paced"));
        var starts = Assert.Single(log!).Value.Order().ToList();
        Assert.Equal("agent:a role", log!.Keys.Single());
        Assert.Equal(2, starts.Count);
        Assert.True(starts[1] - starts[0] >= TimeSpan.FromSeconds(1));
        Assert.Empty(run.Output!.TasksOutput.Single(t => t.Name == "t3").Waits);
    }

    [Fact]
    public async Task A_failed_guardrail_makes_the_agent_revise_with_the_reason()
    {
        int checks = 0;
        var model = new ScriptedChatClient(request => Task.FromResult(
            request.System == GuardrailPrompt.System ? Answer(Interlocked.Increment(ref checks) == 1 ? "FAIL: it does not mention costs" : "PASS")
            : request.Messages[^1].Text.StartsWith(GuardrailPrompt.RevisionStart, StringComparison.Ordinal) ? Answer("revised, with costs")
            : Answer("first draft")));
        await using var harness = await EngineHarness.StartAsync(model);
        var crew = new CrewBuilder().Agent("a").Task("work", "a").Build().WithTask("work", t => t with { Guardrail = "must mention costs" });

        var run = await harness.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal("revised, with costs", run.Output!.Raw);
        Assert.Equal(1, run.Output.TasksOutput.Single().Retries);
        Assert.Contains("it does not mention costs", model.Requests.Last(r => r.System != GuardrailPrompt.System).Messages[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_guardrail_that_keeps_failing_fails_the_task_after_guardrail_max_retries()
    {
        var model = new ScriptedChatClient(request => Task.FromResult(request.System == GuardrailPrompt.System ? Answer("FAIL: never good enough") : Answer("draft")));
        await using var harness = await EngineHarness.StartAsync(model);
        var crew = new CrewBuilder().Agent("a").Task("work", "a").Build().WithTask("work", t => t with { Guardrail = "perfect", GuardrailMaxRetries = 1 });

        var run = await harness.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Failed, run.Status);
        Assert.Contains("failed the task's guardrail 2 times", run.Error, StringComparison.Ordinal);
        Assert.Contains("never good enough", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Human_input_waits_for_the_event_and_the_agent_revises_until_approved()
    {
        var model = new ScriptedChatClient(request => Task.FromResult(Answer(
            request.Messages[^1].Text.StartsWith(GuardrailPrompt.RevisionStart, StringComparison.Ordinal) ? "second draft" : "first draft")));
        await using var harness = await EngineHarness.StartAsync(model);
        var crew = new CrewBuilder().Agent("a").Task("work", "a").Build().WithTask("work", t => t with { HumanInput = true });
        string runId = await harness.Engine.Runs.KickoffAsync(crew, new KickoffRequest { RunId = "reviewed" });

        var waiting = await WaitUntilAsync(harness, runId, v => v.Progress?.Running.FirstOrDefault()?.WaitingFor == HumanReview.EventName);
        Assert.Equal("reviewed/t0", waiting.Progress!.Running[0].InstanceId);
        Assert.Equal("reviewed/t0", (await harness.Engine.Runs.RaiseEventAsync(runId, HumanReview.EventName, new { feedback = "add the costs" })).Instance);
        await WaitUntilAsync(harness, runId, v => model.Requests.Count == 2 && v.Progress?.Running.FirstOrDefault()?.WaitingFor == HumanReview.EventName);
        await harness.Engine.Runs.RaiseEventAsync(runId, HumanReview.EventName, "approved");
        var run = await WaitUntilAsync(harness, runId, v => v.Status != CrewRunStatus.Running && v.Status != CrewRunStatus.Pending);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal("second draft", run.Output!.Raw);
        Assert.Contains("add the costs", model.Requests[1].Messages[^1].Text, StringComparison.Ordinal);
        Assert.Equal(2, run.Output.TasksOutput.Single().Waits.Count(w => w.Reason == "human-input"));
    }

    [Fact]
    public async Task Human_input_that_never_comes_fails_the_task_after_the_configured_wait()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(), new Dictionary<string, string?> { ["DurableCrews:Execution:HumanInputTimeoutSeconds"] = "1" });
        var crew = new CrewBuilder().Agent("a").Task("work", "a").Build().WithTask("work", t => t with { HumanInput = true });

        var run = await harness.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Failed, run.Status);
        Assert.Contains("No human input arrived within 1 s", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhooks_are_posted_once_per_step_task_and_run_and_signed()
    {
        await using var receiver = await HttpStub.StartAsync(_ => (200, "{}", null));
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient(), new Dictionary<string, string?> { ["DurableCrews:Webhooks:Secret"] = "s3cret", ["DurableCrews:Webhooks:AllowedHosts"] = "127.0.0.1" });
        var crew = new CrewBuilder().Agent("a").Task("first", "a").Task("second", "a").Build();
        var hooks = new WebhookTargets
        {
            Step = new Uri(receiver.BaseAddress, "step"),
            Task = new Uri(receiver.BaseAddress, "task"),
            Run = new Uri(receiver.BaseAddress, "run"),
        };

        string runId = await harness.Engine.Runs.KickoffAsync(crew, new KickoffRequest { RunId = "hooked", Webhooks = hooks });
        await WaitUntilAsync(harness, runId, v => v.Status == CrewRunStatus.Completed && receiver.Requests.Any(r => r.Path == "/run"));

        var requests = receiver.Requests;
        Assert.Equal(2, requests.Count(r => r.Path == "/step"));
        Assert.Equal(2, requests.Count(r => r.Path == "/task"));
        var end = Assert.Single(requests, r => r.Path == "/run");
        Assert.Equal("Completed", System.Text.Json.JsonDocument.Parse(end.Body).RootElement.GetProperty("status").GetString());
        Assert.All(requests, r => Assert.True(WebhookSignature.Verify("s3cret", System.Text.Encoding.UTF8.GetBytes(r.Body), r.Headers[WebhookSignature.Header])));
        Assert.Equal(requests.Count, requests.Select(r => r.Headers[WebhookSignature.DeliveryHeader]).Distinct().Count());
        int TaskOf(StubRequest r) => System.Text.Json.JsonDocument.Parse(r.Body).RootElement.GetProperty("task_index").GetInt32();
        var order = requests.Select((r, i) => (r, i)).ToList();
        foreach (int task in new[] { 0, 1 })
        {
            int done = order.Single(x => x.r.Path == "/task" && TaskOf(x.r) == task).i;
            Assert.All(order.Where(x => x.r.Path == "/step" && TaskOf(x.r) == task), step => Assert.True(step.i < done, "a step arrived after its task's webhook"));
        }

        Assert.Equal(order.Count - 1, order.Single(x => x.r.Path == "/run").i);
    }
}
