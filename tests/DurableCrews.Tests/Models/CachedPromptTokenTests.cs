using System.Text.Json;
using DurableCrews.Definitions;
using DurableCrews.Reports;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace DurableCrews.Tests.Models;

/// <summary>The prompt tokens a provider read from its prompt cache, as it reports them, in the run's usage, output and report.</summary>
public sealed class CachedPromptTokenTests
{
    static string Completion(int cached) => JsonSerializer.Serialize(new
    {
        id = "c",
        @object = "chat.completion",
        created = 1,
        model = "stub",
        choices = new[] { new { index = 0, finish_reason = "stop", message = new { role = "assistant", content = "Done." } } },
        usage = new { prompt_tokens = 1200, completion_tokens = 5, total_tokens = 1205, prompt_tokens_details = new { cached_tokens = cached } },
    });

    static CrewDefinition Crew()
    {
        var crew = new CrewBuilder().Named("cached").Agent("writer").Task("first", "writer").Task("second", "writer").Build();
        return crew with { Llm = "stub/gpt-4o" };
    }

    [Fact]
    public async Task Cached_prompt_tokens_the_provider_reports_are_summed_into_the_usage_output_and_report()
    {
        int calls = 0;
        await using var stub = await HttpStub.StartAsync(_ => (200, Completion(Interlocked.Increment(ref calls) == 1 ? 0 : 1024), null));
        await using var engine = await EngineHarness.StartAsync(settings: new Dictionary<string, string?>
        {
            ["DurableCrews:Models:stub:Provider"] = "openai-compatible",
            ["DurableCrews:Models:stub:Endpoint"] = new Uri(stub.BaseAddress, "v1").ToString(),
        });

        var run = await engine.RunAsync(Crew());

        Assert.Equal(CrewRunStatus.Completed, run.Status);
        Assert.Equal([0L, 1024L], run.Output!.TasksOutput.Select(t => t.TokenUsage.CachedPromptTokens));
        Assert.Equal((2400L, 1024L), (run.Output.TokenUsage.PromptTokens, run.Output.TokenUsage.CachedPromptTokens));
        var printed = JsonDocument.Parse(JsonSerializer.Serialize(run.Output, CrewJson.Options)).RootElement;
        Assert.Equal(1024, printed.GetProperty("token_usage").GetProperty("cached_prompt_tokens").GetInt64());
        var report = await engine.Engine.Services.GetRequiredService<RunReportService>().GetAsync(run.RunId);
        Assert.Contains("1024 prompt tokens from the provider's cache", RunReportMarkdown.Render(report!), StringComparison.Ordinal);
    }
}
