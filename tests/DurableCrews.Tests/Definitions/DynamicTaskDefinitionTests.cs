using System.Text.Json;
using DurableCrews.Definitions;

namespace DurableCrews.Tests.Definitions;

/// <summary>Loading and checking <c>for_each</c>, <c>max_parallel</c> and <c>condition</c> before anything starts.</summary>
public sealed class DynamicTaskDefinitionTests
{
    /// <summary>explore (with a list in its JSON) → profile, with <paramref name="profile"/> as the profile task's extra lines.</summary>
    static CrewLoadResult Load(string profile, string exploreJson = "output_json: { type: object, properties: { findings: { type: array }, title: { type: string } } }") =>
        CrewDefinitionLoader.Parse(
            $$"""
            agents:
              a: { role: A, goal: G, backstory: B }
            tasks:
              explore:
                description: Explore
                expected_output: Findings
                agent: a
                {{exploreJson}}
              profile:
                description: Profile {item.name} ({item_index})
                expected_output: A profile
                agent: a
            {{string.Join("\n", profile.Split('\n').Select(l => "    " + l))}}
              summary:
                description: Sum up
                expected_output: A summary
                agent: a
            """,
            "dynamic");

    static string Problems(CrewLoadResult result) => string.Join("\n", result.Problems);

    [Fact]
    public void A_task_reads_for_each_max_parallel_and_condition()
    {
        var result = Load("for_each: explore.findings\nmax_parallel: 4\ncondition: \"size(explore.findings) > 0 && inputs.mode == 'deep'\"");

        Assert.True(result.Succeeded, Problems(result));
        var task = result.Definition!.Tasks[1];
        Assert.Equal(("explore.findings", 4, "size(explore.findings) > 0 && inputs.mode == 'deep'"), (task.ForEach, task.MaxParallel, task.Condition));
        Assert.Equal(8, result.Definition.Tasks[0].MaxParallel);
    }

    [Theory]
    [InlineData("condition: \"explore.json.count >\"", "tasks.profile.condition", "The expression ends where a value was expected at 20")]
    [InlineData("condition: \"explore.output ++ 1\"", "tasks.profile.condition", "where a value was expected at 16")]
    [InlineData("for_each: \"explore.findings[\"", "tasks.profile.for_each", "at 17")]
    [InlineData("condition: \"nobody.json.ok\"", "tasks.profile.condition", "unknown name 'nobody' at 0; names here: inputs, explore")]
    [InlineData("condition: \"explore.ok && summary.json.ok\"", "tasks.profile.condition", "'summary' does not run before 'profile'")]
    [InlineData("condition: \"profile.json.ok\"", "tasks.profile.condition", "'profile' does not run before 'profile'")]
    [InlineData("for_each: later.items", "tasks.profile.for_each", "unknown name 'later' at 0")]
    [InlineData("for_each: summary.items", "tasks.profile.for_each", "'summary' does not run before 'profile'")]
    [InlineData("for_each: explore.title", "tasks.profile.for_each", "'explore.title' is a string in the output_json of 'explore', not a list")]
    [InlineData("for_each: explore.json.nothing", "tasks.profile.for_each", "the output_json of 'explore' has no field 'nothing'")]
    [InlineData("for_each: explore.findings\nmax_parallel: 0", "tasks.profile.max_parallel", "from 1 to 64")]
    [InlineData("for_each: explore.findings\nmax_parallel: 65", "tasks.profile.max_parallel", "from 1 to 64")]
    [InlineData("max_parallel: 4", "tasks.profile.max_parallel", "only a task with for_each")]
    public void A_bad_expression_or_bound_is_a_problem_with_its_path(string lines, string path, string message)
    {
        var result = Load(lines);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Problems, p => p.Path.EndsWith(path, StringComparison.Ordinal) && p.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_for_each_over_a_task_without_output_json_is_a_problem()
    {
        var result = Load("for_each: explore.findings", exploreJson: "async_execution: false");

        var problem = Assert.Single(result.Problems);
        Assert.EndsWith("tasks.profile.for_each", problem.Path, StringComparison.Ordinal);
        Assert.Contains("'explore' has no output_json", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_for_each_expression_that_computes_a_list_is_accepted()
    {
        var result = Load("for_each: \"explore.findings.filter(f, f.score > 3) + ['extra']\"");

        Assert.True(result.Succeeded, Problems(result));
    }

    [Fact]
    public void A_for_each_tasks_item_placeholders_are_not_kickoff_inputs()
    {
        var crew = Load("for_each: explore.findings").Definition!;

        var filled = CrewInputs.Interpolate(crew, new Dictionary<string, string>());

        Assert.Empty(CrewInputs.RequiredInputs(crew));
        Assert.True(filled.Succeeded, string.Join("\n", filled.Problems));
        Assert.Equal("Profile {item.name} ({item_index})", filled.Definition!.Tasks[1].Description);
    }

    [Fact]
    public void Item_placeholders_in_a_task_without_for_each_are_inputs_as_before()
    {
        var crew = Load("async_execution: false").Definition!;

        Assert.Equal(["item_index"], CrewInputs.RequiredInputs(crew));
    }

    [Theory]
    [InlineData("""{"name": "Acme", "size": {"people": 40}}""", "{item.name} has {item.size.people} people, item {item_index}: {item}; {item.missing}",
        """Acme has 40 people, item 2: {"name":"Acme","size":{"people":40}}; {item.missing}""")]
    [InlineData("\"plain text\"", "about {item} ({{item}})", "about plain text ({{item}})")]
    [InlineData("7", "{item.name} {item}", "{item.name} 7")]
    public void An_items_text_is_filled_from_the_item(string item, string text, string filled) =>
        Assert.Equal(filled, CrewInputs.FillItem(text, JsonElement.Parse(item), 2));
}
