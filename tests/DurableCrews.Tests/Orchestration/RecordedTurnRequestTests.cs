using DurableCrews.Orchestration.AgentWork;
using DurableCrews.Orchestration.RateLimiting;
using DurableCrews.Runs;
using Microsoft.DurableTask.Converters;

namespace DurableCrews.Tests.Orchestration;

/// <summary>A turn's request as histories recorded it before the request had named optional properties still reads back whole.</summary>
public sealed class RecordedTurnRequestTests
{
    // Written by JsonDataConverter.Default from the 13-parameter positional AgentTurnRequest.
    const string Recorded = """{"RunId":"run-1","Key":"t0","Turn":2,"Mode":1,"Feedback":"shorter","FailedDelegations":{"t0/d1":"timed out"},"RateScopes":[{"Name":"crew","Limit":5}],"RateLimitWindowSeconds":30,"FailedTools":{"0":"refused"},"Begin":{"RunId":"run-1","Key":"t0","TaskIndex":0,"Context":[],"Depth":0,"ParentKey":null,"StepWebhook":null,"Folded":true,"RunETag":"e1","NoEarlierOutput":false,"InstanceId":"run-1/t0","IsDelegation":false,"IsPlanning":false},"Finish":{"RunId":"run-1","Key":"t0","Retries":1,"Waits":[]},"RunETag":"e1","Complete":{"RunId":"run-1","Status":3,"StartedAt":"2026-01-02T03:04:05+00:00","FinishedTasks":[0],"Error":null,"RunETag":"e1"}}""";

    // The same request recorded by a first turn, before its work began (no limits known yet).
    const string RecordedFirstTurn = """{"RunId":"run-1","Key":"t0","Turn":0,"Mode":0,"Feedback":null,"FailedDelegations":null,"RateScopes":null,"RateLimitWindowSeconds":60,"FailedTools":null,"Begin":null,"Finish":null,"RunETag":null,"Complete":null}""";

    [Fact]
    public void A_recorded_turn_request_reads_back_with_every_value()
    {
        var request = JsonDataConverter.Default.Deserialize<AgentTurnRequest>(Recorded)!;

        Assert.Equal(("run-1", "t0", 2, AgentTurnMode.FinalAnswer, "shorter"), (request.RunId, request.Key, request.Turn, request.Mode, request.Feedback));
        Assert.Equal("timed out", request.FailedDelegations!["t0/d1"]);
        Assert.Equal("refused", request.FailedTools!["0"]);
        Assert.Equal((new RateScope("crew", 5), 30), (Assert.Single(request.RateScopes!), request.RateLimitWindowSeconds));
        Assert.Equal(("t0", true, "e1"), (request.Begin!.Key, request.Begin.Folded, request.Begin.RunETag));
        Assert.Equal(1, request.Finish!.Retries);
        Assert.Equal((CrewRunStatus.Failed, "e1"), (request.Complete!.Status, request.RunETag));
    }

    [Fact]
    public void A_recorded_first_turn_request_reads_back_without_limits()
    {
        var request = JsonDataConverter.Default.Deserialize<AgentTurnRequest>(RecordedFirstTurn)!;

        Assert.Equal((0, AgentTurnMode.Work, 60), (request.Turn, request.Mode, request.RateLimitWindowSeconds));
        Assert.Null(request.RateScopes);
        Assert.Null(request.Begin);
    }

    [Fact]
    public void The_request_is_written_with_the_recorded_property_names()
    {
        var request = JsonDataConverter.Default.Deserialize<AgentTurnRequest>(Recorded)!;

        Assert.Equal(Recorded, JsonDataConverter.Default.Serialize(request));
    }
}
