using DurableCrews.Api;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;
using static DurableCrews.Tests.Support.CrewEdits;

namespace DurableCrews.Tests.Orchestration;

/// <summary>Sequential crews on the real Durable Task engine (in-process sidecar, in-memory backend).</summary>
public sealed class CrewOrchestratorTests
{
    [Fact]
    public async Task Sequential_crew_completes_with_one_output_per_task_in_order()
    {
        var chat = new ScriptedChatClient();
        await using var harness = await EngineHarness.StartAsync(chat);
        var crew = new CrewBuilder().Agent("a").Agent("b").Task("first", "a").Task("second", "b").Task("third", "a").Build();

        var run = await harness.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(["first", "second", "third"], run.Output!.TasksOutput.Select(t => t.Name));
        Assert.Equal("answer to: do third", run.Output.Raw);
    }

    [Fact]
    public async Task Tasks_without_a_time_limit_or_a_person_to_wait_for_run_inline_in_the_run_orchestration()
    {
        var chat = new ScriptedChatClient();
        await using var harness = await EngineHarness.StartAsync(chat);
        var crew = new CrewBuilder().Agent("a").Agent("b").Task("first", "a").Task("second", "b").Build()
            .WithAgent("a", a => a with { AllowDelegation = true })
            .WithAgent("b", b => b with { MaxExecutionTime = 60 });

        var run = await harness.RunAsync(crew, runId: "inline");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(["answer to: do first", "answer to: do second"], run.Output!.TasksOutput.Select(t => t.Raw));
        Assert.Null(await harness.Engine.Client.GetInstanceAsync("inline/t0"));
        Assert.NotNull(await harness.Engine.Client.GetInstanceAsync("inline/t1"));
    }

    [Fact]
    public async Task A_failed_inline_task_is_tried_again_under_its_retry_key()
    {
        int calls = 0;
        var chat = new ScriptedChatClient(request => Interlocked.Increment(ref calls) == 1
            ? throw new InvalidOperationException("the model broke")
            : Task.FromResult(Answer("second try")));
        await using var harness = await EngineHarness.StartAsync(chat);
        var crew = new CrewBuilder().Agent("a", maxRetryLimit: 1).Task("work", "a").Build();

        var run = await harness.RunAsync(crew, runId: "inline-retry");

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal("second try", run.Output!.Raw);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Task_without_context_gets_the_outputs_of_all_earlier_tasks()
    {
        var chat = new ScriptedChatClient();
        await using var harness = await EngineHarness.StartAsync(chat);
        var crew = new CrewBuilder().Agent("a").Task("first", "a").Task("second", "a").Task("third", "a").Build();

        var run = await harness.RunAsync(crew);

        Assert.Equal(["first", "second"], run.Output!.TasksOutput[2].Context);
        string prompt = chat.Requests.Single(r => r.TaskLine == "do third").Prompt;
        Assert.Contains("answer to: do first", prompt, StringComparison.Ordinal);
        Assert.Contains("answer to: do second", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Task_with_a_context_list_gets_only_those_outputs()
    {
        var chat = new ScriptedChatClient();
        await using var harness = await EngineHarness.StartAsync(chat);
        var crew = new CrewBuilder().Agent("a").Task("first", "a").Task("second", "a").Task("third", "a", context: ["first"]).Build();

        var run = await harness.RunAsync(crew);

        Assert.Equal(["first"], run.Output!.TasksOutput[2].Context);
        Assert.DoesNotContain("answer to: do second", chat.Requests.Single(r => r.TaskLine == "do third").Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Task_with_an_empty_context_list_gets_no_context()
    {
        var chat = new ScriptedChatClient();
        await using var harness = await EngineHarness.StartAsync(chat);
        var crew = new CrewBuilder().Agent("a").Task("first", "a").Task("second", "a", context: []).Build();

        var run = await harness.RunAsync(crew);

        Assert.Empty(run.Output!.TasksOutput[1].Context);
        Assert.DoesNotContain("answer to: do first", chat.Requests.Single(r => r.TaskLine == "do second").Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Async_tasks_run_together_and_the_next_task_waits_for_both()
    {
        var chat = new ScriptedChatClient(latency: TimeSpan.FromMilliseconds(400));
        await using var harness = await EngineHarness.StartAsync(chat);
        var crew = new CrewBuilder().Agent("a")
            .Task("left", "a", async: true).Task("right", "a", async: true).Task("join", "a").Build();

        var run = await harness.RunAsync(crew);

        var left = chat.Requests.Single(r => r.TaskLine == "do left");
        var right = chat.Requests.Single(r => r.TaskLine == "do right");
        var join = chat.Requests.Single(r => r.TaskLine == "do join");
        Assert.True(left.StartedAt < right.FinishedAt && right.StartedAt < left.FinishedAt, "the async tasks did not overlap");
        Assert.True(join.StartedAt >= left.FinishedAt && join.StartedAt >= right.FinishedAt, "join started before its context finished");
        Assert.Equal(["left", "right"], run.Output!.TasksOutput[2].Context);
    }

    [Fact]
    public async Task Failing_task_fails_the_run_with_its_reason_and_keeps_finished_outputs()
    {
        var chat = new ScriptedChatClient(r => r.TaskLine == "do second" ? throw new InvalidOperationException("model exploded") : "fine");
        await using var harness = await EngineHarness.StartAsync(chat);
        var crew = new CrewBuilder().Agent("a").Task("first", "a").Task("second", "a").Task("third", "a").Build();

        var run = await harness.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Failed, run.Status);
        Assert.Contains("second", run.Error, StringComparison.Ordinal);
        Assert.Contains("model exploded", run.Error, StringComparison.Ordinal);
        var stored = await harness.Runs.GetResultAsync(run.RunId);
        Assert.Equal(["first"], stored!.TasksOutput.Select(t => t.Name));
    }

    [Fact]
    public async Task Failed_task_is_retried_up_to_the_agents_max_retry_limit()
    {
        int calls = 0;
        var chat = new ScriptedChatClient(_ => Interlocked.Increment(ref calls) < 3 ? throw new TimeoutException("flaky") : "finally");
        await using var harness = await EngineHarness.StartAsync(chat);
        var crew = new CrewBuilder().Agent("a", maxRetryLimit: 2).Task("only", "a").Build();

        var run = await harness.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal(3, calls);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(2, 3)]
    public async Task A_model_that_always_fails_is_asked_once_per_try_and_no_more(int maxRetryLimit, int expectedCalls)
    {
        int calls = 0;
        var chat = new ScriptedChatClient(_ =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("the model is broken");
        });
        await using var harness = await EngineHarness.StartAsync(chat);
        var crew = new CrewBuilder().Agent("a", maxRetryLimit: maxRetryLimit).Task("only", "a").Build();

        var run = await harness.RunAsync(crew);

        Assert.Equal(CrewRunStatus.Failed, run.Status);
        Assert.Equal(expectedCalls, calls);
    }

    [Fact]
    public async Task Output_json_is_parsed_when_the_answer_matches_the_schema()
    {
        var chat = new ScriptedChatClient(_ => "```json\n{\"score\": 7}\n```");
        await using var harness = await EngineHarness.StartAsync(chat);
        var crew = new CrewBuilder().Agent("a")
            .Task("rate", "a", outputJson: """{"type":"object","properties":{"score":{"type":"integer"}},"required":["score"]}""").Build();

        var run = await harness.RunAsync(crew);

        Assert.Equal(7, run.Output!.Json!.Value.GetProperty("score").GetInt32());
    }

    [Fact]
    public async Task Answer_that_breaks_the_output_json_schema_keeps_raw_and_says_why()
    {
        var chat = new ScriptedChatClient(_ => "{\"score\": \"high\"}");
        await using var harness = await EngineHarness.StartAsync(chat);
        var crew = new CrewBuilder().Agent("a")
            .Task("rate", "a", outputJson: """{"type":"object","properties":{"score":{"type":"integer"}},"required":["score"]}""").Build();

        var run = await harness.RunAsync(crew);

        var task = run.Output!.TasksOutput.Single();
        Assert.Null(task.Json);
        Assert.Contains("does not match output_json", task.JsonError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Results_and_transcripts_are_stored_in_the_documented_blob_layout()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient());
        var crew = new CrewBuilder().Agent("a").Task("first", "a").Task("second", "a").Build();

        var run = await harness.RunAsync(crew, runId: "layout-run");

        var names = new List<string>();
        await foreach (string name in harness.Blobs.ListAsync("crew-runs", "layout-run/"))
        {
            names.Add(name);
        }

        Assert.Equal(
            ["layout-run/result.json", "layout-run/result.md", "layout-run/run.json", "layout-run/tasks/00-first.json", "layout-run/tasks/01-second.json",
             "layout-run/transcripts/00-first.json", "layout-run/transcripts/01-second.json", "layout-run/work/t0.json", "layout-run/work/t1.json"],
            names);
        Assert.Equal(CrewRunStatus.Completed, run.Status);
    }

    [Fact]
    public async Task Kickoff_with_a_taken_run_id_is_a_conflict()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient());
        var crew = new CrewBuilder().Agent("a").Task("only", "a").Build();
        await harness.RunAsync(crew, runId: "same-id");

        await Assert.ThrowsAsync<RunConflictException>(() =>
            harness.Engine.Runs.KickoffAsync(crew, new KickoffRequest { RunId = "same-id" }));
    }

    [Fact]
    public async Task Kickoff_with_a_missing_input_starts_nothing()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient());
        var crew = new CrewBuilder().Agent("a").Task("only", "a").Build();
        crew = crew with { Tasks = [crew.Tasks[0] with { Description = "about {topic}" }] };

        var error = await Assert.ThrowsAsync<DurableCrews.Definitions.CrewDefinitionException>(() =>
            harness.Engine.Runs.KickoffAsync(crew, new KickoffRequest { RunId = "never-started" }));

        Assert.Equal("inputs.topic", error.Problems.Single().Path);
        Assert.Null(await harness.Engine.Client.GetInstanceAsync("never-started"));
        Assert.Null(await harness.Runs.GetRunAsync("never-started"));
    }
}
