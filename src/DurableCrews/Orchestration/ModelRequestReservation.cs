namespace DurableCrews.Orchestration;

/// <summary>The input of <see cref="ReserveModelRequestActivity"/>: a model request about to start, and the limits it counts against.</summary>
/// <param name="RunId">The run, whose branches all share the limits.</param>
/// <param name="Scopes">The limits.</param>
/// <param name="WindowSeconds">The window the limits count in.</param>
public sealed record ModelRequestReservation(string RunId, IReadOnlyList<RateScope> Scopes, int WindowSeconds);
