using DurableCrews.Definitions;
using DurableCrews.Outbound;

namespace DurableCrews.Tests.Definitions;

/// <summary>Errors point at the fix: the close name for a typo, the host checked and the setting that allows it, CrewAI's values.</summary>
public sealed class ErrorHintTests
{
    static CrewLoadResult Load(string agentExtra = "", string taskExtra = "", string crewExtra = "", string summaryAgent = "researcher") => CrewDefinitionLoader.Parse($$"""
        {{crewExtra}}
        agents:
          researcher:
            role: Researcher
            goal: Find facts about {topic}
            backstory: Curious
            {{agentExtra}}
        tasks:
          research:
            description: Research {topic}
            expected_output: Facts
            agent: researcher
          summary:
            description: Sum up
            expected_output: A summary
            agent: {{summaryAgent}}
            {{taskExtra}}
        """, "hints");

    static string MessageAt(CrewLoadResult result, string path) =>
        result.Problems.SingleOrDefault(p => p.Path == path)?.Message ?? throw new Xunit.Sdk.XunitException($"no problem at {path}; problems: {string.Join(" | ", result.Problems)}");

    [Theory]
    [InlineData("agent", "reseacher", "crew.tasks.summary.agent", "researcher")]
    [InlineData("context", "reserch", "crew.tasks.summary.context[0]", "research")]
    [InlineData("tools", "file_raed", "crew.agents.researcher.tools[0]", "file_read")]
    [InlineData("tools", "FileReadTol", "crew.agents.researcher.tools[0]", "FileReadTool")]
    public void A_misspelt_name_suggests_the_close_one(string field, string typo, string path, string suggestion)
    {
        var result = field switch
        {
            "agent" => Load(summaryAgent: typo),
            "context" => Load(taskExtra: $"context: [{typo}]"),
            _ => Load(agentExtra: $"tools: [{typo}]"),
        };

        Assert.Contains($"did you mean '{suggestion}'?", MessageAt(result, path), StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_far_from_every_agent_gets_no_suggestion() =>
        Assert.DoesNotContain("did you mean", MessageAt(Load(summaryAgent: "accountant"), "crew.tasks.summary.agent"), StringComparison.Ordinal);

    [Fact]
    public void A_class_name_in_output_json_says_the_schema_itself_is_needed_and_how_to_print_it()
    {
        string message = MessageAt(Load(taskExtra: "output_json: Itinerary"), "crew.tasks.summary.output_json");

        Assert.Contains("'Itinerary' names a class", message, StringComparison.Ordinal);
        Assert.Contains("json.dumps(Itinerary.model_json_schema())", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_json_text_in_output_json_still_gets_the_parser_s_reason() =>
        Assert.Contains("must be a JSON schema", MessageAt(Load(taskExtra: "output_json: '{\"type\": '"), "crew.tasks.summary.output_json"), StringComparison.Ordinal);

    [Fact]
    public void A_missing_input_suggests_the_close_input_the_kickoff_gave()
    {
        var crew = Load().Definition!;

        var result = CrewInputs.Interpolate(crew, new Dictionary<string, string> { ["topc"] = "tides" });

        Assert.Contains("did you mean 'topc'?", MessageAt(result, "inputs.topic"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2", true)]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData("true", true)]
    public void Verbose_takes_crewai_levels(string value, bool verbose)
    {
        var result = Load(crewExtra: $"verbose: {value}", agentExtra: $"verbose: {value}");

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Equal(verbose, result.Definition!.Verbose);
        Assert.Equal(verbose, result.Definition.Agents[0].Verbose);
    }

    [Fact]
    public void Verbose_refuses_other_values_and_names_the_levels()
    {
        var result = Load(crewExtra: "verbose: 3");

        Assert.Contains("0, 1, 2", MessageAt(result, "crew.verbose"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_plain_http_refusal_names_the_host_checked_and_the_setting_that_allows_it()
    {
        string? refused = DestinationPolicy.Strict.Check("http://api.example.com/v1", out _);

        Assert.NotNull(refused);
        Assert.Contains("'api.example.com' was checked", refused, StringComparison.Ordinal);
        Assert.Contains($"add 'api.example.com' there", refused, StringComparison.Ordinal);
        Assert.Contains(DestinationPolicy.AllowedHostsSetting, refused, StringComparison.Ordinal);
    }

    [Fact]
    public void An_internal_host_refusal_says_to_add_that_host_to_the_setting()
    {
        string? refused = DestinationPolicy.Strict.Check("https://10.0.0.5/hook", out _);

        Assert.Contains($"adding '10.0.0.5' to {DestinationPolicy.AllowedHostsSetting}", refused, StringComparison.Ordinal);
    }
}
