using DurableCrews.Runs;

namespace DurableCrews.Tests.Runs;

/// <summary>A task that finished badly says so: JSON that did not parse, tool calls that all failed, max_iter reached.</summary>
public sealed class TaskWarningsTests
{
    static TaskOutput Task(string? jsonError = null, params string?[] toolErrors) => new()
    {
        Name = "report",
        Description = "d",
        Agent = "writer",
        Raw = "answer",
        JsonError = jsonError,
        ToolCalls = toolErrors.Select((error, i) => new ToolCallRecord { Tool = i == 0 ? "file_read" : "web_fetch", Index = i, Error = error }).ToList(),
    };

    [Fact]
    public void A_task_that_went_well_has_no_warnings() =>
        Assert.Empty(TaskWarnings.Of(Task(null, null, "timeout"), reachedMaxIter: false));

    [Fact]
    public void Json_that_did_not_parse_is_a_warning_with_the_reason() =>
        Assert.Contains("missing 'title'", Assert.Single(TaskWarnings.Of(Task("missing 'title'"), reachedMaxIter: false)), StringComparison.Ordinal);

    [Fact]
    public void Tool_calls_that_all_failed_are_a_warning_naming_the_tools() =>
        Assert.Contains("all 2 tool call(s) failed (file_read, web_fetch)", Assert.Single(TaskWarnings.Of(Task(null, "no such file", "refused"), reachedMaxIter: false)), StringComparison.Ordinal);

    [Fact]
    public void Reaching_max_iter_is_a_warning() =>
        Assert.Contains("max_iter", Assert.Single(TaskWarnings.Of(Task(), reachedMaxIter: true)), StringComparison.Ordinal);

    [Fact]
    public void The_crew_output_lists_each_task_warning_with_its_task()
    {
        var output = new CrewOutput { RunId = "r", Crew = "c", Status = CrewRunStatus.Completed, TasksOutput = [Task() with { Warnings = ["w1"] }, Task() with { Name = "other" }] };

        Assert.Equal(["report: w1"], output.Warnings);
    }

    [Fact]
    public void The_api_json_of_a_run_carries_its_warnings()
    {
        var output = new CrewOutput { RunId = "r", Crew = "c", Status = CrewRunStatus.Completed, TasksOutput = [Task() with { Warnings = ["w1"] }] };

        using var json = System.Text.Json.JsonDocument.Parse(System.Text.Json.JsonSerializer.Serialize(output, CrewJson.Options));

        Assert.Equal("report: w1", json.RootElement.GetProperty("warnings")[0].GetString());
    }
}
