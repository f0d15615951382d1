using System.Runtime.CompilerServices;
using DurableCrews.Orchestration.RateLimiting;
using DurableCrews.Storage;
using Microsoft.Extensions.AI;

namespace DurableCrews.Models;

/// <summary>
/// The one place that layers a model's client for a turn. Outermost first: the crew cache (an answer from the cache
/// takes no request slot and is not traced as a model call), the request slots of <c>max_rpm</c> (taken as the request
/// is sent), telemetry, then the provider's client.
/// </summary>
public sealed class ModelPipeline(ResponseCache cache, ModelRequestSlots slots, TimeProvider time)
{
    // Each model's client is traced by one OpenTelemetry wrapper (it owns an activity source and a meter), made on first use
    // and kept as long as the client lives, never one per turn.
    static readonly ConditionalWeakTable<IChatClient, IChatClient> Traced = new();

    /// <summary>The client a turn sends through: cached when the crew caches, counted against <paramref name="quota"/> when it has one.</summary>
    public IChatClient For(ResolvedModel model, bool cached, RequestQuota? quota)
    {
        ArgumentNullException.ThrowIfNull(model);
        var builder = Traced.GetValue(model.Client, static client => client.AsBuilder().UseCrewTelemetry().Build()).AsBuilder();
        if (cached)
        {
            builder.UseCrewCache(cache, model.Description);
        }

        if (quota is { Scopes.Count: > 0 })
        {
            builder.UseRequestSlots(slots, quota, time);
        }

        return builder.Build();
    }
}
