using DurableCrews.Orchestration.RateLimiting;
using DurableCrews.Storage;
using DurableCrews.Telemetry;
using Microsoft.Extensions.AI;

namespace DurableCrews.Models;

/// <summary>The crew's layers of a chat client pipeline; <see cref="ModelPipeline"/> composes them.</summary>
public static class CrewChatClientBuilderExtensions
{
    /// <summary>Answers identical requests from the crew's response cache (<see cref="CachingCrewChatClient"/>).</summary>
    public static ChatClientBuilder UseCrewCache(this ChatClientBuilder builder, ResponseCache cache, string model)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(cache);
        return builder.Use(inner => new CachingCrewChatClient(inner, cache, model));
    }

    /// <summary>Takes a request slot under the run's <c>max_rpm</c> limits before each request is sent (<see cref="RateLimitedChatClient"/>).</summary>
    public static ChatClientBuilder UseRequestSlots(this ChatClientBuilder builder, ModelRequestSlots slots, RequestQuota quota, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(quota);
        return builder.Use(inner => new RateLimitedChatClient(inner, slots, quota.RunId, quota.Scopes, quota.Window, time));
    }

    /// <summary>Traces each request with the GenAI conventions under <see cref="CrewTelemetry.GenAiSourceName"/>.</summary>
    public static ChatClientBuilder UseCrewTelemetry(this ChatClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseOpenTelemetry(sourceName: CrewTelemetry.GenAiSourceName);
    }
}
