using System.Net;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Flows;

/// <summary>A flow's <c>human_feedback</c> event over HTTP: a payload that names no outcome is refused before it reaches the run.</summary>
public sealed class FlowApiTests
{
    [Theory]
    [InlineData("""{"feedback": "looks fine"}""", "body.outcome")]
    [InlineData("""{"outcome": 3}""", "body.outcome")]
    [InlineData("""{"outcome": "approve", "mood": "happy"}""", "body.mood")]
    [InlineData("""{"outcome": "approve", "feedback": 5}""", "body.feedback")]
    [InlineData("\"not an outcome!\"", "body")]
    public async Task A_human_feedback_event_without_a_valid_outcome_is_refused_with_its_path(string body, string path)
    {
        await using var server = await ServerHarness.StartAsync();

        var response = await server.PostJsonAsync("runs/some-run/events/human_feedback", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ServerHarness.JsonOf(response);
        Assert.Contains(path, problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()));
    }
}
