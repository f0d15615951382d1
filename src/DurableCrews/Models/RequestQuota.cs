using DurableCrews.Orchestration.RateLimiting;

namespace DurableCrews.Models;

/// <summary>The <c>max_rpm</c> limits a run's model requests count against, and the window they count in.</summary>
/// <param name="RunId">The run whose requests count.</param>
/// <param name="Scopes">The limits; a slot is taken in each as a request is sent.</param>
/// <param name="Window">The window the limits count in.</param>
public sealed record RequestQuota(string RunId, IReadOnlyList<RateScope> Scopes, TimeSpan Window);
