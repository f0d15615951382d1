namespace DurableCrews.Api;

/// <summary>The queues DurableCrews reads and writes.</summary>
public static class QueueNames
{
    /// <summary>Kickoff messages: <c>{ "crew": …, "inputs": {…}, "runId"?: …, "webhooks"?: {…} }</c>.</summary>
    public const string Kickoffs = "crew-kickoffs";

    /// <summary>Kickoff messages that can never succeed, with the reason (the Functions convention's name).</summary>
    public const string KickoffsPoison = "crew-kickoffs-poison";

    /// <summary>A message per ended run, when <see cref="QueueOptions.PublishResults"/> is on.</summary>
    public const string Results = "crew-results";
}
